package io.holdfast.lock.spi;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Per-resource state of a {@link LockCore} in this JVM, present while some thread holds or waits;
 * it is itself the local read-write lock that queues this JVM's threads. Its non-fair policy
 * already blocks a new reader while an exclusive request is first in the queue; the fair one is
 * FIFO.
 */
@SuppressWarnings("serial") // never serialized
final class ResourceEntry<G extends Grant> extends ReentrantReadWriteLock {
    @SuppressWarnings("rawtypes")
    static final AtomicIntegerFieldUpdater<ResourceEntry> USERS =
            AtomicIntegerFieldUpdater.newUpdater(ResourceEntry.class, "users");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<ResourceEntry, ConcurrentHashMap> READERS =
            AtomicReferenceFieldUpdater.newUpdater(ResourceEntry.class, ConcurrentHashMap.class,
                    "readers");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<ResourceEntry, Grant> HANDED_ON =
            AtomicReferenceFieldUpdater.newUpdater(ResourceEntry.class, Grant.class, "handedOn");

    /** Threads holding or waiting; 0 once the entry is dead (being unmapped). */
    volatile int users = 1;
    /** The current exclusive grant; written by the holding thread. */
    volatile G grant;
    /** Leases of the current exclusive hold not yet released; holding thread only. */
    int holdCount;
    /** The shared holds, by holding thread; created by the first shared grant. */
    private volatile ConcurrentHashMap<Thread, Shared<G>> readers;
    /** A lease released to the next local waiter ({@link LockBackend#mayHandOn}), until taken. */
    private volatile G handedOn;

    ResourceEntry(boolean fair) {
        super(fair);
    }

    void handOn(G g) {
        handedOn = g;
    }

    /** The lease handed on, taken by exactly one caller, or null. */
    @SuppressWarnings("unchecked")
    G takeHandedOn() {
        return handedOn == null ? null : (G) HANDED_ON.getAndSet(this, null);
    }

    /** The shared hold of thread {@code t}, or null. */
    Shared<G> sharedHoldOf(Thread t) {
        ConcurrentHashMap<Thread, Shared<G>> m = readers;
        return m == null ? null : m.get(t);
    }

    /** Every shared hold now. */
    Collection<Shared<G>> sharedHolds() {
        ConcurrentHashMap<Thread, Shared<G>> m = readers;
        return m == null ? List.of() : m.values();
    }

    void addSharedHold(Thread t, Shared<G> hold) {
        if (readers == null) {
            READERS.compareAndSet(this, null, new ConcurrentHashMap<>(4));
        }
        readers.put(t, hold);
    }

    void removeSharedHold(Thread t) {
        readers.remove(t);
    }

    /** Adds a user unless the entry is dead. */
    boolean tryJoin() {
        for (int n = users; n > 0; n = users) {
            if (USERS.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    /** One thread's shared hold of a resource. */
    static final class Shared<G extends Grant> {
        final G grant;
        /** Leases of the hold not yet released; holding thread only. */
        int count = 1;

        Shared(G grant) {
            this.grant = grant;
        }
    }
}

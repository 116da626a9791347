package io.holdfast.lock.spi;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Per-resource state of a {@link LockCore} in this JVM, present while some thread holds or waits,
 * and kept while idle only in the bounded ring of {@link IdleEntries}; it is itself the local read-write lock that queues this JVM's threads. Its non-fair policy
 * already blocks a new reader while an exclusive request is first in the queue; the fair one is
 * FIFO.
 */
@SuppressWarnings("serial") // never serialized
final class ResourceEntry<G extends Grant> extends ReentrantReadWriteLock {
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<ResourceEntry> STATE =
            AtomicIntegerFieldUpdater.newUpdater(ResourceEntry.class, "state");
    /** The bit of {@link #state} set while the entry is in the {@link IdleEntries} ring. */
    private static final int PARKED = 1 << 30;
    /** The {@link #state} of an entry being unmapped: never joined again. */
    private static final int DEAD = -1;
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<ResourceEntry, ConcurrentHashMap> READERS =
            AtomicReferenceFieldUpdater.newUpdater(ResourceEntry.class, ConcurrentHashMap.class,
                    "readers");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<ResourceEntry, Grant> HANDED_ON =
            AtomicReferenceFieldUpdater.newUpdater(ResourceEntry.class, Grant.class, "handedOn");

    /** The resource name, the entry's key. */
    final String resource;
    /**
     * Threads holding or waiting (low bits), plus {@link #PARKED}; {@link #DEAD} once being
     * unmapped. An entry with no users stays mapped, for reuse, only while parked.
     */
    private volatile int state = 1;
    /**
     * The current exclusive grant, or null; for a backend that {@linkplain
     * LockBackend#reissuesGrants() reissues grants}, also the last one once ended (to be issued
     * again). Written by the holding thread.
     */
    volatile G grant;
    /** Leases of the current exclusive hold not yet released; holding thread only. */
    int holdCount;
    /** The shared holds, by holding thread; created by the first shared grant. */
    private volatile ConcurrentHashMap<Thread, Shared<G>> readers;
    /** A lease released to the next local waiter ({@link LockBackend#mayHandOn}), until taken. */
    private volatile G handedOn;

    /** A new entry with one user, the caller. */
    ResourceEntry(String resource, boolean fair) {
        super(fair);
        this.resource = resource;
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
        for (int s = state; s != DEAD; s = state) {
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Removes a user; true if none is left. */
    boolean leave() {
        return (STATE.decrementAndGet(this) & ~PARKED) == 0;
    }

    /**
     * Marks the entry parked if it has no user and is not parked yet: then the caller must put
     * it in the ring of idle entries.
     */
    boolean tryPark() {
        return state == 0 && STATE.compareAndSet(this, 0, PARKED);
    }

    /**
     * Called when the ring dropped this entry: an idle entry dies (the caller unmaps it, true);
     * one in use again only loses its mark, so that its last user parks it again.
     */
    boolean retire() {
        for (;;) {
            int s = state;
            if (s == PARKED) {
                if (STATE.compareAndSet(this, PARKED, DEAD)) {
                    return true;
                }
            } else if ((s & PARKED) == 0 || STATE.compareAndSet(this, s, s & ~PARKED)) {
                return false;
            }
        }
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

package io.holdfast.lock.internal.env;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.spi.AbstractLockManager;
import io.holdfast.lock.spi.FencingCounter;
import io.holdfast.lock.spi.Grant;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A test backend: managers created on one {@link Store} exclude each other, like managers of one
 * file directory or one Redis. Records grant and revoke events, and can lose grants or fail on
 * demand.
 */
final class MemoryLockManager extends AbstractLockManager<MemoryLockManager.MemGrant>
        implements FencingCounter {

    /** Shared lock state; its monitor guards everything. */
    static final class Store {
        final Map<String, MemGrant> holders = new HashMap<>();
        final Map<String, Long> tokens = new HashMap<>();
    }

    private final Store store;
    private final Consumer<String> events;
    volatile boolean unavailable;
    /** Like a backend doing interruptible I/O (Redis): a grant call fails on an interrupted thread. */
    volatile boolean failsWhenInterrupted;
    volatile boolean closedBackend;
    /** The deadline of the latest grant call. */
    volatile long lastDeadline;

    MemoryLockManager(String name, Store store, Consumer<String> events) {
        this(name, store, events, null);
    }

    MemoryLockManager(String name, Store store, Consumer<String> events, MeterRegistry registry) {
        super(name, true, registry);
        this.store = store;
        this.events = events;
    }

    @Override
    protected MemGrant grant(String resource, long deadlineNanos) throws InterruptedException {
        lastDeadline = deadlineNanos;
        if (failsWhenInterrupted && Thread.interrupted()) {
            throw new InterruptedException(backend() + " call interrupted (test)");
        }
        if (unavailable) {
            throw new LockUnavailableException(backend() + " is down (test)");
        }
        synchronized (store) {
            while (store.holders.containsKey(resource)) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(store, left);
            }
            long token = store.tokens.merge(resource, 1L, Long::sum);
            MemGrant g = new MemGrant(resource, token, lossReporter());
            store.holders.put(resource, g);
            events.accept("grant " + backend() + " " + resource);
            return g;
        }
    }

    @Override
    public void raiseCounter(Lease lease, long token) {
        MemGrant g = localGrant(lease.resource()).filter(x -> x.thread() == Thread.currentThread())
                .orElseThrow(() -> new IllegalArgumentException("not held: " + lease));
        synchronized (store) {
            events.accept("raise " + backend() + " " + g.resource() + " " + token);
            store.tokens.merge(g.resource(), token, Math::max);
        }
    }

    @Override
    protected boolean revoke(MemGrant g) {
        synchronized (store) {
            events.accept("revoke " + backend() + " " + g.resource());
            boolean ours = store.holders.remove(g.resource(), g);
            store.notifyAll();
            return ours;
        }
    }

    @Override
    protected Optional<LockInfo> describe(String resource) {
        synchronized (store) {
            MemGrant g = store.holders.get(resource);
            return g == null ? Optional.empty() : Optional.of(new LockInfo(resource,
                    backend() + "/" + g.thread().getName(), g.fencingToken(), g.acquiredAt(),
                    Optional.empty()));
        }
    }

    @Override
    protected void closeBackend() {
        closedBackend = true;
    }

    /** Simulates expiry: every grant of this manager is taken away and marked lost. */
    void loseAll() {
        List<MemGrant> lost = new ArrayList<>();
        synchronized (store) {
            store.holders.values().removeIf(g -> {
                boolean mine = activeGrants().contains(g);
                if (mine) {
                    lost.add(g);
                }
                return mine;
            });
            store.notifyAll();
        }
        lost.forEach(g -> g.markLost("expired (test)"));
    }

    static final class MemGrant extends Grant {
        MemGrant(String resource, long token, LossReporter reporter) {
            super(resource, token, Instant.now(), System.nanoTime(), reporter);
        }
    }
}

package io.holdfast.lock.internal.env;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.spi.ComposedLockManager;
import io.holdfast.lock.spi.FencingCounter;
import io.holdfast.lock.spi.Grant;
import io.holdfast.lock.spi.LockBackend;
import io.holdfast.lock.spi.LockContext;
import io.holdfast.lock.spi.LockMode;
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
 * demand (through {@link #mem}, the backend).
 */
final class MemoryLockManager extends ComposedLockManager implements FencingCounter {

    /** Shared lock state; its monitor guards everything. */
    static final class Store {
        final Map<String, MemGrant> holders = new HashMap<>();
        final Map<String, Long> tokens = new HashMap<>();
    }

    /** The backend, with its fault switches. */
    final Mem mem;

    MemoryLockManager(String name, Store store, Consumer<String> events) {
        this(name, store, events, null);
    }

    MemoryLockManager(String name, Store store, Consumer<String> events, MeterRegistry registry) {
        super(name, true, registry, (LockContext<MemGrant> c) -> new Mem(c, store, events));
        this.mem = backend(Mem.class);
    }

    @Override
    public void raiseCounter(Lease lease, long token) {
        mem.raiseCounter(lease, token);
    }

    /** Simulates expiry: every grant of this manager is taken away and marked lost. */
    void loseAll() {
        mem.loseAll();
    }

    static final class Mem implements LockBackend<MemGrant> {
        private final LockContext<MemGrant> context;
        private final Store store;
        private final Consumer<String> events;
        volatile boolean unavailable;
        /** Like a backend doing interruptible I/O (Redis): a grant fails on an interrupted thread. */
        volatile boolean failsWhenInterrupted;
        volatile boolean closedBackend;
        /** The deadline of the latest grant call. */
        volatile long lastDeadline;
        /** How many times {@link #describe} was called. */
        volatile int describes;

        Mem(LockContext<MemGrant> context, Store store, Consumer<String> events) {
            this.context = context;
            this.store = store;
            this.events = events;
        }

        private String backend() {
            return context.backend();
        }

        @Override
        public MemGrant grant(String resource, long deadlineNanos, LockMode mode)
                throws InterruptedException {
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
                MemGrant g = new MemGrant(resource, token, context.lossReporter());
                store.holders.put(resource, g);
                events.accept("grant " + backend() + " " + resource);
                return g;
            }
        }

        void raiseCounter(Lease lease, long token) {
            MemGrant g = context.localGrant(lease.resource())
                    .filter(x -> x.thread() == Thread.currentThread())
                    .orElseThrow(() -> new IllegalArgumentException("not held: " + lease));
            synchronized (store) {
                events.accept("raise " + backend() + " " + g.resource() + " " + token);
                store.tokens.merge(g.resource(), token, Math::max);
            }
        }

        @Override
        public boolean revoke(MemGrant g) {
            synchronized (store) {
                events.accept("revoke " + backend() + " " + g.resource());
                boolean ours = store.holders.remove(g.resource(), g);
                store.notifyAll();
                return ours;
            }
        }

        @Override
        public Optional<LockInfo> describe(String resource) {
            describes++;
            synchronized (store) {
                MemGrant g = store.holders.get(resource);
                return g == null ? Optional.empty() : Optional.of(new LockInfo(resource,
                        backend() + "/" + g.thread().getName(), g.fencingToken(), g.acquiredAt(),
                        Optional.empty()));
            }
        }

        @Override
        public void close() {
            closedBackend = true;
        }

        void loseAll() {
            List<MemGrant> lost = new ArrayList<>();
            synchronized (store) {
                store.holders.values().removeIf(g -> {
                    boolean mine = context.activeGrants().contains(g);
                    if (mine) {
                        lost.add(g);
                    }
                    return mine;
                });
                store.notifyAll();
            }
            lost.forEach(g -> g.markLost("expired (test)"));
        }
    }

    static final class MemGrant extends Grant {
        MemGrant(String resource, long token, LossReporter reporter) {
            super(resource, token, Instant.now(), System.nanoTime(), reporter);
        }
    }
}

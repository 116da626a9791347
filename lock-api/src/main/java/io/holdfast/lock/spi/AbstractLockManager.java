package io.holdfast.lock.spi;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LeaseLostException;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockTimeoutException;
import io.holdfast.lock.LockedCall;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.LockMetrics;
import io.holdfast.lock.internal.LockView;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.internal.OwnerIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The part every backend shares: name and wait validation, per-thread reentrancy, queueing the
 * threads of this JVM on a local {@link ReentrantReadWriteLock} so that only one exclusive
 * thread per resource talks to the backend, lease handles, loss reporting, metrics and the
 * {@link Lock} view.
 *
 * <p>A backend implements {@link #grant} (take the lock for the calling thread, waiting until a
 * deadline) and {@link #revoke} (give it back). A backend with shared locks also implements
 * {@link #grantShared} and {@link #supportsShared}: threads of this JVM holding the local read
 * lock call it concurrently. The local lock prefers writers (a queued exclusive request blocks
 * new shared ones) and refuses a shared to exclusive upgrade. Per-resource state lives only
 * while a thread holds or waits for the resource, so memory stays flat however many names are
 * used.
 *
 * @param <G> the backend's grant type
 */
public abstract class AbstractLockManager<G extends Grant> implements LockManager {

    private static final System.Logger LOG = System.getLogger(AbstractLockManager.class.getName());

    private final String backend;
    private final String ownerId = OwnerIds.random();
    private final boolean fair;
    private final ConcurrentHashMap<String, Entry<G>> entries = new ConcurrentHashMap<>();
    private final AtomicInteger activeHolds = new AtomicInteger();
    private final LockMetrics metrics;
    /** False when metrics are off: then no clock is read just to record a duration. */
    private final boolean timed;
    private final Grant.LossReporter lossReporter = this::reportLoss;
    private volatile boolean closed;

    /**
     * Creates the shared part.
     *
     * @param backend the backend's short name
     * @param fair whether threads of this JVM are granted in arrival order
     * @param registry where to record metrics, or null for none
     */
    protected AbstractLockManager(String backend, boolean fair, MeterRegistry registry) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.fair = fair;
        this.metrics = LockMetrics.of(registry, backend, activeHolds::get);
        this.timed = metrics != LockMetrics.NOOP;
    }

    /**
     * Takes the lock on {@code resource} for the calling thread, which already holds this JVM's
     * local lock on it.
     *
     * @param deadlineNanos the {@link System#nanoTime()} by which to give up; a single attempt if
     *     it has passed
     * @return the grant, or null if the lock was not granted by the deadline
     * @throws InterruptedException if interrupted while waiting
     */
    protected abstract G grant(String resource, long deadlineNanos) throws InterruptedException;

    /**
     * Whether this backend grants shared locks ({@link #grantShared}); false by default, when
     * shared requests fail with {@link #sharedUnsupportedMessage()}.
     */
    protected boolean supportsShared() {
        return false;
    }

    /** The message of the {@link UnsupportedOperationException} for a refused shared request. */
    protected String sharedUnsupportedMessage() {
        return "the " + backend + " backend has no shared locks";
    }

    /**
     * Takes the lock on {@code resource} shared for the calling thread, which holds this JVM's
     * local read lock on it: other threads of this JVM may be granted or hold shared grants of
     * the same resource meanwhile, so the backend shares what it holds between them (one OS lock
     * per process, say). The token must be greater than every earlier grant's of the resource,
     * shared or exclusive. Called only if {@link #supportsShared()}.
     *
     * @param deadlineNanos as for {@link #grant}
     * @return the grant, or null if the lock was not granted by the deadline
     * @throws InterruptedException if interrupted while waiting
     */
    protected G grantShared(String resource, long deadlineNanos) throws InterruptedException {
        throw new UnsupportedOperationException(sharedUnsupportedMessage());
    }

    /**
     * Gives back a grant that was not lost ({@link Grant#isShared()} tells which kind). Called on
     * the holding thread, or by {@link #close()}.
     *
     * @return false if the backend found the lock no longer ours (expired, taken over)
     */
    protected abstract boolean revoke(G grant);

    /**
     * Frees what a lost grant still holds, when its last lease is released; called on the holding
     * thread instead of {@link #revoke}. Most backends hold nothing once a grant is lost; a
     * backend composed of other managers releases their leases here. Does nothing by default.
     */
    protected void discardLost(G grant) {}

    /**
     * Whether a lease released while other threads of this JVM wait for the resource may be handed
     * to the next of them without a backend round trip (see {@link #inherit}). Called on the
     * releasing thread with a grant that is not lost; false by default.
     */
    protected boolean mayHandOn(G grant) {
        return false;
    }

    /**
     * Takes over, for the calling thread, a lease its previous holder handed on
     * ({@link #mayHandOn} returned true): a new grant of the same backend lock with a greater
     * fencing token, or null if it can no longer be handed on (then it is revoked and
     * {@link #grant} is called). Called with a grant that is not lost.
     */
    protected G inherit(G handedOn) {
        return null;
    }

    /** Describes the holder from the backend's point of view. */
    protected abstract Optional<LockInfo> describe(String resource);

    /** Releases backend resources; called once by {@link #close()}. */
    protected void closeBackend() {}

    /** Extra context for a timeout message (the current holder, attempts), or empty. */
    protected String timeoutDetail(String resource) {
        try {
            return describe(resource).map(i -> "held by " + i.holder()).orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The reporter backends pass to every {@link Grant} they create. */
    protected final Grant.LossReporter lossReporter() {
        return lossReporter;
    }

    /** This manager's metrics, for backend-specific events. */
    protected final LockMetrics metrics() {
        return metrics;
    }

    /** This manager's random owner id (128 bits, hex). */
    protected final String ownerId() {
        return ownerId;
    }

    /** The holder description used in {@link LockInfo}: owner id and thread name. */
    protected final String holderName(Thread thread) {
        return ownerId.substring(0, 8) + "…/" + thread.getName();
    }

    /**
     * The grant this JVM holds on {@code resource}, if any (for {@link #describe}): the exclusive
     * one, else the calling thread's shared one, else any shared one.
     */
    protected final Optional<G> localGrant(String resource) {
        Entry<G> e = entries.get(resource);
        if (e == null) {
            return Optional.empty();
        }
        G g = e.grant;
        if (g == null || g.isOver()) {
            Shared<G> mine = e.sharedHoldOf(Thread.currentThread());
            g = mine != null ? mine.grant
                    : e.sharedHolds().stream().map(s -> s.grant).findAny().orElse(null);
        }
        return g == null || g.isOver() ? Optional.empty() : Optional.of(g);
    }

    /** Every grant this JVM currently holds, exclusive and shared (for renewal and shutdown). */
    protected final List<G> activeGrants() {
        List<G> grants = new ArrayList<>();
        for (Entry<G> e : entries.values()) {
            G g = e.grant;
            if (g != null && !g.isOver()) {
                grants.add(g);
            }
            for (Shared<G> s : e.sharedHolds()) {
                if (!s.grant.isOver()) {
                    grants.add(s.grant);
                }
            }
        }
        return grants;
    }

    @Override
    public final String backend() {
        return backend;
    }

    @Override
    public final Lease acquire(String resource, Duration wait) throws InterruptedException {
        Names.require("resource", resource);
        Durations.requireWait(wait);
        return acquire(resource, wait, true, false);
    }

    @Override
    public final Lease acquireShared(String resource, Duration wait) throws InterruptedException {
        Names.require("resource", resource);
        Durations.requireWait(wait);
        return acquire(resource, wait, true, true);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A single attempt does not wait, so the calling thread's interrupt flag neither fails it
     * nor is cleared: the backend makes its attempt with the flag hidden, and the flag is set
     * again afterwards. An interrupt that arrives during the attempt makes it fail (empty), and
     * is kept too.
     */
    @Override
    public final Optional<Lease> tryAcquire(String resource) {
        return tryOnce(resource, false);
    }

    /** {@inheritDoc} The interrupt flag is handled as by {@link #tryAcquire}. */
    @Override
    public final Optional<Lease> tryAcquireShared(String resource) {
        return tryOnce(resource, true);
    }

    private Optional<Lease> tryOnce(String resource, boolean shared) {
        Names.require("resource", resource);
        boolean interrupted = Thread.interrupted();
        try {
            return Optional.ofNullable(acquire(resource, Duration.ZERO, false, shared));
        } catch (InterruptedException e) {
            interrupted = true;
            return Optional.empty();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public final <T, E extends Exception> T withLock(String resource, Duration wait,
            LockedCall<T, E> body) throws E, InterruptedException {
        Objects.requireNonNull(body, "body");
        Lease lease = acquire(resource, wait);
        T result;
        try {
            result = body.call(lease);
        } catch (Throwable t) {
            try {
                lease.release();
            } catch (RuntimeException releaseFailure) {
                t.addSuppressed(releaseFailure);
            }
            throw t;
        }
        lease.release();
        return result;
    }

    @Override
    public final Lock asLock(String resource) {
        return new LockView(this, resource);
    }

    @Override
    public final Optional<LockInfo> inspect(String resource) {
        Names.require("resource", resource);
        ensureOpen();
        return describe(resource);
    }

    @Override
    public final List<LockInfo> heldLocks() {
        ensureOpen();
        List<LockInfo> held = new ArrayList<>();
        for (G g : activeGrants()) {
            Optional<LockInfo> described;
            try {
                described = describe(g.resource());
            } catch (RuntimeException e) {
                described = Optional.empty();
            }
            held.add(described.orElseGet(() -> new LockInfo(g.resource(), holderName(g.thread()),
                    g.fencingToken(), g.acquiredAt(), Optional.empty())));
        }
        return held;
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // every lease reads as lost before any lock is freed: no other holder can be granted
            // while a lease of this manager still reports isHeld()
            List<G> held = activeGrants();
            for (G g : held) {
                g.markLost("the lock manager was closed while the lease was held");
            }
            for (G g : held) {
                try {
                    revoke(g);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "revoke on close failed for " + g, e);
                }
            }
            for (Entry<G> e : entries.values()) {
                dropHandedOn(e.takeHandedOn());
            }
        } finally {
            closeBackend();
        }
    }

    /** True once {@link #close()} was called. */
    protected final boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(backend + " lock manager is closed");
        }
    }

    /**
     * Takes the lock or, when {@code mayWait} is false (a try), returns null on a miss without
     * building an exception or asking the backend who holds the lock: a miss costs the one
     * attempt, the common case of instances that all try a scheduled job on every tick.
     */
    private Lease acquire(String resource, Duration wait, boolean mayWait, boolean shared)
            throws InterruptedException {
        ensureOpen();
        if (shared && !supportsShared()) {
            throw new UnsupportedOperationException(sharedUnsupportedMessage());
        }
        Entry<G> held = entries.get(resource);
        Lease again = held == null ? null : reenter(held, shared);
        if (again != null) {
            return again;
        }
        long start = System.nanoTime();
        long deadline = start + Durations.toNanosSaturated(wait);
        Entry<G> e = join(resource);
        Lock local = shared ? e.readLock() : e.writeLock();
        boolean locked = false;
        boolean granted = false;
        try {
            if (mayWait) {
                locked = local.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } else {
                // a shared attempt must not barge past a queued exclusive request: the timed
                // form honours the queue, the untimed one would not
                locked = shared ? local.tryLock(0, TimeUnit.NANOSECONDS) : local.tryLock();
            }
            G g = null;
            if (locked) {
                G handedOn = e.takeHandedOn();
                if (shared) {
                    dropHandedOn(handedOn); // an exclusive lease meant for a writer
                    g = grantShared(resource, mayWait ? deadline : start);
                } else {
                    g = handedOn == null ? null : takeOver(handedOn);
                    if (g == null) {
                        g = grant(resource, mayWait ? deadline : start);
                    }
                }
            }
            if (g == null) {
                metrics.timedOut(System.nanoTime() - start);
                if (!mayWait) {
                    return null;
                }
                throw new LockTimeoutException(resource, wait, timeoutDetail(resource));
            }
            Shared<G> hold = null;
            if (shared) {
                g.markShared();
                hold = new Shared<>(g);
                e.addSharedHold(g.thread(), hold);
            } else {
                e.grant = g;
                e.holdCount = 1;
            }
            activeHolds.incrementAndGet();
            granted = true;
            if (timed) {
                metrics.acquired(System.nanoTime() - start);
            }
            return new Handle<>(this, e, g, hold);
        } catch (InterruptedException | RuntimeException | Error ex) {
            if (!(ex instanceof LockTimeoutException)) {
                metrics.failed(System.nanoTime() - start);
            }
            throw ex;
        } finally {
            if (!granted) {
                if (locked) {
                    local.unlock();
                }
                leave(resource, e);
            }
        }
    }

    /** The lease handed on to the calling thread, or null after giving it back. */
    private G takeOver(G handedOn) {
        G g = handedOn.isLost() || closed ? null : inherit(handedOn);
        if (g == null) {
            dropHandedOn(handedOn);
        }
        return g;
    }

    /** Gives back (or discards, if lost) a lease handed on that no thread took over. */
    private void dropHandedOn(G handedOn) {
        if (handedOn == null) {
            return;
        }
        try {
            if (handedOn.isLost()) {
                discardLost(handedOn);
            } else {
                revoke(handedOn);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "giving back a lease handed on failed for "
                    + handedOn + " (the backend frees it when its lease ends)", e);
        }
    }

    /**
     * A new lease of the calling thread's hold of {@code e}, or null if it holds none: an
     * exclusive hold takes both kinds of request, a shared one only shared requests.
     *
     * @throws IllegalMonitorStateException for an exclusive request by a shared holder
     */
    private Lease reenter(Entry<G> e, boolean shared) {
        Shared<G> mine = null;
        if (!e.isWriteLockedByCurrentThread()) {
            mine = e.sharedHoldOf(Thread.currentThread());
            if (mine == null) {
                return null;
            }
            if (!shared) {
                throw new IllegalMonitorStateException("thread '" + Thread.currentThread().getName()
                        + "' holds lock '" + mine.grant.resource() + "' shared and cannot upgrade"
                        + " to exclusive (two upgrading readers would wait for each other forever);"
                        + " release its shared leases first, then acquire exclusively");
            }
        }
        G g = mine == null ? e.grant : mine.grant;
        if (g.isLost()) {
            throw new LeaseLostException("lock '" + g.resource() + "' is held by this thread but its"
                    + " lease was lost (" + g.lossReason() + "); release the outer lease and"
                    + " acquire again");
        }
        if (mine == null) {
            e.holdCount++;
        } else {
            mine.count++;
        }
        return new Handle<>(this, e, g, mine);
    }

    /**
     * Registers the calling thread as a user of the resource's entry, creating it if absent. An
     * entry whose user count reached zero is dead: it is never joined again, only removed (by
     * its last user, or here, whoever comes first), so a joiner never uses an unmapped entry.
     */
    private Entry<G> join(String resource) {
        Entry<G> fresh = null;
        for (;;) {
            Entry<G> e = entries.get(resource);
            if (e == null) {
                if (fresh == null) {
                    fresh = new Entry<>(fair);
                }
                e = entries.putIfAbsent(resource, fresh);
                if (e == null) {
                    return fresh;
                }
            }
            if (e.tryJoin()) {
                return e;
            }
            entries.remove(resource, e);
        }
    }

    private void leave(String resource, Entry<G> entry) {
        if (Entry.USERS.decrementAndGet(entry) == 0) {
            entries.remove(resource, entry);
            // the waiters a lease was handed on to all gave up: give it back
            dropHandedOn(entry.takeHandedOn());
        }
    }

    /** Called on the holding thread by {@link Handle#release()}. */
    private boolean release(Handle<G> h) {
        Entry<G> e = h.entry;
        G g = h.grant;
        Shared<G> shared = h.shared;
        if (shared != null ? --shared.count > 0 : --e.holdCount > 0) {
            return !g.isLost();
        }
        boolean wasHeld = !g.isLost();
        if (shared != null) {
            e.removeSharedHold(g.thread());
        } else {
            e.grant = null;
        }
        activeHolds.decrementAndGet();
        try {
            if (shared == null && wasHeld && e.hasQueuedThreads() && !closed && mayHandOn(g)) {
                e.handOn(g);
            } else if (wasHeld) {
                wasHeld = revoke(g);
            } else {
                discardLost(g);
            }
        } finally {
            g.end();
            if (timed) {
                metrics.held(System.nanoTime() - g.acquiredNanos());
            }
            (shared != null ? e.readLock() : e.writeLock()).unlock();
            leave(g.resource(), e);
        }
        return wasHeld;
    }

    private void reportLoss(Grant g, String reason) {
        metrics.lost();
        LOG.log(System.Logger.Level.WARNING, "lease on lock ''{0}'' (fencing token {1}, thread {2})"
                + " was lost: {3}; the holder must stop acting on the protected resource",
                g.resource(), g.fencingToken(), g.thread().getName(), reason);
    }

    /**
     * Per-resource state in this JVM, present while some thread holds or waits; it is itself the
     * local read-write lock that queues this JVM's threads. Its non-fair policy already blocks a
     * new reader while an exclusive request is first in the queue; the fair one is FIFO.
     */
    @SuppressWarnings("serial") // never serialized
    private static final class Entry<G extends Grant> extends ReentrantReadWriteLock {
        @SuppressWarnings("rawtypes")
        static final AtomicIntegerFieldUpdater<Entry> USERS =
                AtomicIntegerFieldUpdater.newUpdater(Entry.class, "users");

        /** Threads holding or waiting; 0 once the entry is dead (being unmapped). */
        volatile int users = 1;
        /** The current grant; written by the holding thread. */
        volatile G grant;
        /** Leases of the current hold not yet released; holding thread only. */
        int holdCount;
        /** The shared holds, by holding thread; created by the first shared grant. */
        private volatile ConcurrentHashMap<Thread, Shared<G>> readers;

        @SuppressWarnings("rawtypes")
        static final AtomicReferenceFieldUpdater<Entry, ConcurrentHashMap> READERS =
                AtomicReferenceFieldUpdater.newUpdater(Entry.class, ConcurrentHashMap.class, "readers");
        /** A lease released to the next local waiter ({@link #mayHandOn}), until taken. */
        volatile G handedOn;

        @SuppressWarnings("rawtypes")
        static final AtomicReferenceFieldUpdater<Entry, Grant> HANDED_ON =
                AtomicReferenceFieldUpdater.newUpdater(Entry.class, Grant.class, "handedOn");

        Entry(boolean fair) {
            super(fair);
        }

        void handOn(G g) {
            handedOn = g;
        }

        /** The calling thread's shared hold, or null. */
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

        /** The lease handed on, taken by exactly one caller, or null. */
        @SuppressWarnings("unchecked")
        G takeHandedOn() {
            return handedOn == null ? null : (G) HANDED_ON.getAndSet(this, null);
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
    }

    /** One thread's shared hold of a resource. */
    private static final class Shared<G extends Grant> {
        final G grant;
        /** Leases of the hold not yet released; holding thread only. */
        int count = 1;

        Shared(G grant) {
            this.grant = grant;
        }
    }

    /** One lease of a hold. */
    private static final class Handle<G extends Grant> implements Lease {
        private final AbstractLockManager<G> manager;
        private final Entry<G> entry;
        private final G grant;
        /** The shared hold this lease belongs to; null for an exclusive hold. */
        private final Shared<G> shared;
        private volatile boolean released;

        Handle(AbstractLockManager<G> manager, Entry<G> entry, G grant, Shared<G> shared) {
            this.manager = manager;
            this.entry = entry;
            this.grant = grant;
            this.shared = shared;
        }

        @Override
        public String resource() {
            return grant.resource();
        }

        @Override
        public long fencingToken() {
            return grant.fencingToken();
        }

        @Override
        public boolean isHeld() {
            return !released && !grant.isLost();
        }

        @Override
        public void ensureHeld() {
            if (released) {
                throw new LeaseLostException("lease on lock '" + resource() + "' (fencing token "
                        + fencingToken() + ") was already released");
            }
            if (grant.isLost()) {
                throw new LeaseLostException("lease on lock '" + resource() + "' (fencing token "
                        + fencingToken() + ") was lost: " + grant.lossReason());
            }
        }

        @Override
        public boolean release() {
            Thread current = Thread.currentThread();
            if (current != grant.thread()) {
                throw new IllegalMonitorStateException("lease on lock '" + resource()
                        + "' was acquired by thread '" + grant.thread().getName()
                        + "' and cannot be released by thread '" + current.getName()
                        + "'; release it on the thread that acquired it");
            }
            if (released) {
                return false;
            }
            released = true;
            return manager.release(this);
        }

        @Override
        public void close() {
            release();
        }

        @Override
        public void onLost(Runnable listener) {
            grant.addLossListener(listener);
        }

        @Override
        public String toString() {
            return "Lease[" + manager.backend + ":" + resource() + (shared != null ? ", shared" : "")
                    + ", token " + fencingToken()
                    + (isHeld() ? ", held" : released ? ", released" : ", lost") + "]";
        }
    }
}

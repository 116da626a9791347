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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lock manager every backend is composed into: name and wait validation, per-thread
 * reentrancy, queueing the threads of this JVM on a local {@link ReentrantReadWriteLock} per
 * resource so that only one exclusive thread per resource (or the concurrent shared ones) talk
 * to the {@link LockBackend}, lease handles, local handoff, loss reporting, metrics and the
 * {@link Lock} view. The local lock prefers writers (a queued exclusive request blocks new shared
 * ones) and refuses a shared to exclusive upgrade. Per-resource state lives only while a thread
 * holds or waits for the resource, so memory stays flat however many names are used.
 *
 * <p>Package-private: backends reach it through {@link ComposedLockManager} (public classes) and
 * {@link LockContext} (what the backend may ask of it), never by name.
 *
 * @param <G> the backend's grant type
 */
final class LockCore<G extends Grant> implements LockManager, LockContext<G> {

    private static final Logger LOG = LoggerFactory.getLogger(LockCore.class);

    private final String backendName;
    private final String ownerId = OwnerIds.random();
    private final boolean fair;
    private final ConcurrentHashMap<String, ResourceEntry<G>> entries = new ConcurrentHashMap<>();
    private final IdleEntries idle = new IdleEntries();
    private final AtomicInteger activeHolds = new AtomicInteger();
    private final LockMetrics metrics;
    /** False when metrics are off: then no clock is read just to record a duration. */
    private final boolean timed;
    private final Grant.LossReporter lossReporter = this::reportLoss;
    private final LockBackend<G> backend;
    /** {@link LockBackend#reissuesGrants()}: an entry keeps its last exclusive grant for reuse. */
    private final boolean reissues;
    private volatile boolean closed;

    /**
     * Builds the manager, then its backend, which may keep the context it is given.
     *
     * @param backendName the backend's short name
     * @param fair whether threads of this JVM are granted in arrival order
     * @param registry where to record metrics, or null for none
     * @param backend builds the backend on this manager's context
     */
    LockCore(String backendName, boolean fair, MeterRegistry registry,
            Function<? super LockContext<G>, ? extends LockBackend<G>> backend) {
        this.backendName = Objects.requireNonNull(backendName, "backend");
        this.fair = fair;
        this.metrics = LockMetrics.of(registry, backendName, activeHolds::get);
        this.timed = metrics != LockMetrics.NOOP;
        this.backend = Objects.requireNonNull(backend.apply(this),
                "the backend factory returned null");
        this.reissues = this.backend.reissuesGrants();
    }

    /** The backend this manager is built on. */
    LockBackend<G> lockBackend() {
        return backend;
    }

    @Override
    public Grant.LossReporter lossReporter() {
        return lossReporter;
    }

    @Override
    public LockMetrics metrics() {
        return metrics;
    }

    @Override
    public String ownerId() {
        return ownerId;
    }

    @Override
    public String holderName(Thread thread) {
        return ownerId.substring(0, 8) + "…/" + thread.getName();
    }

    @Override
    public Optional<G> localGrant(String resource) {
        ResourceEntry<G> e = entries.get(resource);
        if (e == null) {
            return Optional.empty();
        }
        G g = e.grant;
        if (g == null || g.isOver()) {
            ResourceEntry.Shared<G> mine = e.sharedHoldOf(Thread.currentThread());
            g = mine != null ? mine.grant
                    : e.sharedHolds().stream().map(s -> s.grant).findAny().orElse(null);
        }
        return g == null || g.isOver() ? Optional.empty() : Optional.of(g);
    }

    @Override
    public List<G> activeGrants() {
        List<G> grants = new ArrayList<>();
        for (ResourceEntry<G> e : entries.values()) {
            G g = e.grant;
            if (g != null && !g.isOver()) {
                grants.add(g);
            }
            for (ResourceEntry.Shared<G> s : e.sharedHolds()) {
                if (!s.grant.isOver()) {
                    grants.add(s.grant);
                }
            }
        }
        return grants;
    }

    @Override
    public String backend() {
        return backendName;
    }

    @Override
    public Lease acquire(String resource, Duration wait) throws InterruptedException {
        // nothing but a call and the lease handle, so that this inlines into the caller even
        // once compiled on its own (the JIT inlines no compiled method of more than ~2.5 KB of
        // code, and a map lookup inlined here would reach that): a handle that does not escape
        // the caller is then not allocated at all, for a new hold as for a re-entry
        ResourceEntry<G> e = acquire(resource, wait, true, false);
        return new LeaseHandle<>(this, e, e.grant, null);
    }

    @Override
    public Lease acquireShared(String resource, Duration wait) throws InterruptedException {
        return lease(acquire(resource, wait, true, true));
    }

    /** A new lease of the calling thread's hold of {@code e} (exclusive, else its shared one). */
    private Lease lease(ResourceEntry<G> e) {
        if (e.isWriteLockedByCurrentThread()) {
            return new LeaseHandle<>(this, e, e.grant, null);
        }
        ResourceEntry.Shared<G> mine = e.sharedHoldOf(Thread.currentThread());
        return new LeaseHandle<>(this, e, mine.grant, mine);
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
    public Optional<Lease> tryAcquire(String resource) {
        return tryOnce(resource, false);
    }

    /** {@inheritDoc} The interrupt flag is handled as by {@link #tryAcquire}. */
    @Override
    public Optional<Lease> tryAcquireShared(String resource) {
        return tryOnce(resource, true);
    }

    private Optional<Lease> tryOnce(String resource, boolean shared) {
        boolean interrupted = Thread.interrupted();
        try {
            ResourceEntry<G> e = acquire(resource, Duration.ZERO, false, shared);
            return e == null ? Optional.empty() : Optional.of(lease(e));
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
    public <T, E extends Exception> T withLock(String resource, Duration wait,
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
    public Lock asLock(String resource) {
        return new LockView(this, resource);
    }

    @Override
    public Optional<LockInfo> inspect(String resource) {
        Names.require("resource", resource);
        ensureOpen();
        return backend.describe(resource);
    }

    @Override
    public List<LockInfo> heldLocks() {
        ensureOpen();
        List<LockInfo> held = new ArrayList<>();
        for (G g : activeGrants()) {
            Optional<LockInfo> described;
            try {
                described = backend.describe(g.resource());
            } catch (RuntimeException e) {
                described = Optional.empty();
            }
            held.add(described.orElseGet(() -> new LockInfo(g.resource(), holderName(g.thread()),
                    g.fencingToken(), g.acquiredAt(), Optional.empty())));
        }
        return held;
    }

    @Override
    public void close() {
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
                    backend.revoke(g);
                } catch (RuntimeException e) {
                    LOG.debug("revoke on close failed for {}", g, e);
                }
            }
            for (ResourceEntry<G> e : entries.values()) {
                dropHandedOn(e.takeHandedOn());
            }
        } finally {
            backend.close();
        }
    }

    /** True once {@link #close()} was called. */
    @Override
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(backendName + " lock manager is closed");
        }
    }

    /**
     * Takes the lock (or re-enters the calling thread's hold) and returns its entry, the caller
     * making the lease of it; or, when {@code mayWait} is false (a try), returns null on a miss
     * without building an exception or asking the backend who holds the lock: a miss costs the
     * one attempt, the common case of instances that all try a scheduled job on every tick.
     */
    private ResourceEntry<G> acquire(String resource, Duration wait, boolean mayWait,
            boolean shared) throws InterruptedException {
        // a mapped name was checked when its entry was created
        ResourceEntry<G> held = resource == null ? null : entries.get(resource);
        if (held == null) {
            Names.require("resource", resource);
        }
        Durations.requireWait(wait);
        ensureOpen();
        if (shared && !backend.supportsShared()) {
            throw new UnsupportedOperationException("the " + backendName
                    + " backend has no shared locks");
        }
        if (held != null && reenter(held, shared)) {
            return held;
        }
        long start = System.nanoTime();
        long deadline = start + Durations.toNanosSaturated(wait);
        ResourceEntry<G> e = join(resource, held);
        Lock local = shared ? e.readLock() : e.writeLock();
        boolean locked = false;
        boolean granted = false;
        try {
            if (mayWait) {
                // a free lock without queued threads is taken without reading the clock again;
                // as the timed form does, an interrupted thread is refused even then
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted before acquiring lock '" + resource
                            + "'");
                }
                locked = !shared && !e.hasQueuedThreads() && local.tryLock()
                        || local.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
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
                    g = backend.grant(resource, mayWait ? deadline : start, LockMode.SHARED);
                } else {
                    g = handedOn == null ? null : takeOver(handedOn);
                    if (g == null) {
                        g = grantExclusive(e, mayWait ? deadline : start, start);
                    }
                }
            }
            if (g == null) {
                metrics.timedOut(System.nanoTime() - start);
                if (!mayWait) {
                    return null;
                }
                // the holder detail is asked for only if the message is read: it must not delay the
                // timeout (a backend may need a round trip for it)
                throw new LockTimeoutException(resource, wait,
                        () -> backend.timeoutDetail(resource));
            }
            if (shared) {
                g.markShared();
                e.addSharedHold(g.thread(), new ResourceEntry.Shared<>(g));
            } else {
                if (e.grant != g) {
                    e.grant = g;
                }
                e.holdCount = 1;
            }
            if (timed) {
                activeHolds.incrementAndGet();
            }
            granted = true;
            if (timed) {
                metrics.acquired(System.nanoTime() - start);
            }
            return e;
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
                leave(e);
            }
        }
    }

    /**
     * A new exclusive grant for the caller, who holds {@code e}'s write lock: the entry's last
     * grant issued again if the backend {@linkplain LockBackend#reissuesGrants() reissues} and
     * that hold ended normally (no allocation), else the backend's.
     */
    private G grantExclusive(ResourceEntry<G> e, long deadline, long start)
            throws InterruptedException {
        G last = reissues ? e.grant : null;
        if (last != null && last.isReissuable()) { // ended by a release: neither lost nor held
            last.reissue(backend.reissueToken(e.resource), start);
            return last;
        }
        return backend.grant(e.resource, deadline, LockMode.EXCLUSIVE);
    }

    /** The lease handed on to the calling thread, or null after giving it back. */
    private G takeOver(G handedOn) {
        G g = handedOn.isLost() || closed ? null : backend.inherit(handedOn);
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
                backend.discardLost(handedOn);
            } else {
                backend.revoke(handedOn);
            }
        } catch (RuntimeException e) {
            LOG.debug("giving back a lease handed on failed for {} (the backend frees it when its"
                    + " lease ends)", handedOn, e);
        }
    }

    /**
     * Counts one more lease of the calling thread's hold of {@code e}, or returns false if it
     * holds none: an exclusive hold takes both kinds of request, a shared one only shared
     * requests.
     *
     * @throws IllegalMonitorStateException for an exclusive request by a shared holder
     */
    private boolean reenter(ResourceEntry<G> e, boolean shared) {
        ResourceEntry.Shared<G> mine = null;
        if (!e.isWriteLockedByCurrentThread()) {
            mine = e.sharedHoldOf(Thread.currentThread());
            if (mine == null) {
                return false;
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
        return true;
    }

    /**
     * Registers the calling thread as a user of the resource's entry ({@code seen}, if the caller
     * already looked it up, else the mapped one), creating it if absent. An entry with no user
     * stays mapped only while it is in the ring of idle entries, so a resource used again and
     * again reuses its entry (no allocation) while any number of distinct names leave at most
     * {@link IdleEntries#SIZE} idle entries behind. A dead entry (dropped from the ring while
     * idle) is never joined again, only removed (by whoever drops it, or here, whoever comes
     * first), so a joiner never uses an unmapped entry.
     */
    private ResourceEntry<G> join(String resource, ResourceEntry<G> seen) {
        if (seen != null && seen.tryJoin()) {
            return seen;
        }
        ResourceEntry<G> fresh = null;
        for (;;) {
            ResourceEntry<G> e = entries.get(resource);
            if (e == null) {
                if (fresh == null) {
                    fresh = new ResourceEntry<>(resource, fair);
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

    private void leave(ResourceEntry<G> entry) {
        if (entry.leave()) {
            // the waiters a lease was handed on to all gave up: give it back
            dropHandedOn(entry.takeHandedOn());
            if (entry.tryPark()) {
                @SuppressWarnings("unchecked")
                ResourceEntry<G> dropped = (ResourceEntry<G>) idle.park(entry);
                if (dropped != null && dropped.retire()) {
                    entries.remove(dropped.resource, dropped);
                }
            }
        }
    }

    /**
     * Called on the holding thread by {@link LeaseHandle#release()} with the lease's fields, never
     * the lease itself (so that a lease that does not escape its caller need not exist).
     */
    boolean release(ResourceEntry<G> e, G g, ResourceEntry.Shared<G> shared) {
        if (shared != null ? --shared.count > 0 : --e.holdCount > 0) {
            return !g.isLost();
        }
        return releaseHold(e, g, shared);
    }

    /**
     * Ends the hold of {@code g}, whose last lease was released (kept apart: the nested case
     * inlines). A backend that reissues grants leaves an exclusive grant that was not lost in
     * the entry, ended, for the resource's next exclusive hold.
     */
    private boolean releaseHold(ResourceEntry<G> e, G g, ResourceEntry.Shared<G> shared) {
        boolean wasHeld = !g.isLost();
        if (shared != null) {
            e.removeSharedHold(g.thread());
        } else if (!reissues || !wasHeld) {
            e.grant = null;
        }
        if (timed) {
            activeHolds.decrementAndGet();
        }
        try {
            if (shared == null && wasHeld && e.hasQueuedThreads() && !closed
                    && backend.mayHandOn(g)) {
                e.grant = null;
                e.handOn(g);
            } else if (wasHeld) {
                wasHeld = backend.revoke(g);
            } else {
                backend.discardLost(g);
            }
        } finally {
            g.end();
            if (timed) {
                metrics.held(System.nanoTime() - g.acquiredNanos());
            }
            (shared != null ? e.readLock() : e.writeLock()).unlock();
            leave(e);
        }
        return wasHeld;
    }

    private void reportLoss(Grant g, String reason) {
        metrics.lost();
        LOG.warn("lease on lock '{}' (fencing token {}, thread {}) was lost: {}; the holder must"
                + " stop acting on the protected resource",
                g.resource(), g.fencingToken(), g.thread().getName(), reason);
    }
}

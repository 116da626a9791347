package io.holdfast.lock.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend's grant of a lock to one thread of this process: its token and its fate. Backends
 * subclass it to keep their own state (owner, validity) and call {@link #markLost} when they can
 * no longer guarantee it. Thread-safe.
 *
 * <p>For a backend whose grants carry nothing but their token ({@link
 * LockBackend#reissuesGrants()}), the manager issues a grant whose hold ended normally again for
 * the resource's next exclusive hold (new token, thread and time; never a lost grant): one grant
 * object then stands for successive holds, one at a time, and a {@link io.holdfast.lock.Lease}
 * keeps its own hold's token.
 */
public class Grant {

    /** Receives every loss once; the manager logs it and counts it. */
    @FunctionalInterface
    public interface LossReporter {
        /** Called once when {@code grant} is lost. */
        void lost(Grant grant, String reason);
    }

    private final String resource;
    /*
     * The hold's token, request time and thread: final but for reissue(), which writes them
     * before publishing the hold (the volatile write of ended, then the manager's entry).
     */
    private long fencingToken;
    private long acquiredNanos;
    private Thread thread;
    private final LossReporter reporter;
    /** The wall-clock grant time; derived from {@link #acquiredNanos} on first use if null. */
    private volatile Instant acquiredAt;
    /** Loss listeners, created on the first one; guarded by this. */
    private List<Runnable> listeners;
    private volatile boolean lost;
    private volatile boolean ended;
    private volatile boolean shared;
    private String lossReason;

    /**
     * Creates a grant for the calling thread.
     *
     * @param resource the resource name
     * @param fencingToken the token, strictly greater than every earlier one for the resource
     * @param acquiredAt the wall-clock grant time, for display
     * @param acquiredNanos the {@link System#nanoTime()} at which the grant was requested
     * @param reporter the manager's loss reporter ({@link LockContext#lossReporter()})
     */
    protected Grant(String resource, long fencingToken, Instant acquiredAt, long acquiredNanos,
            LossReporter reporter) {
        this(resource, fencingToken, acquiredNanos, reporter);
        this.acquiredAt = Objects.requireNonNull(acquiredAt, "acquiredAt");
    }

    /**
     * Creates a grant for the calling thread whose wall-clock time is derived from
     * {@code acquiredNanos} only when asked for (no clock read per grant).
     *
     * @param resource the resource name
     * @param fencingToken the token, strictly greater than every earlier one for the resource
     * @param acquiredNanos the {@link System#nanoTime()} at which the grant was requested
     * @param reporter the manager's loss reporter ({@link LockContext#lossReporter()})
     */
    protected Grant(String resource, long fencingToken, long acquiredNanos,
            LossReporter reporter) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.fencingToken = fencingToken;
        this.acquiredNanos = acquiredNanos;
        this.thread = Thread.currentThread();
        this.reporter = Objects.requireNonNull(reporter, "reporter");
    }

    /** The resource name. */
    public final String resource() {
        return resource;
    }

    /** The fencing token. */
    public final long fencingToken() {
        return fencingToken;
    }

    /** When the grant began (wall clock). */
    public final Instant acquiredAt() {
        Instant at = acquiredAt;
        return at != null ? at : deriveAcquiredAt();
    }

    private synchronized Instant deriveAcquiredAt() {
        if (acquiredAt == null) {
            acquiredAt = Instant.now().minusNanos(System.nanoTime() - acquiredNanos);
        }
        return acquiredAt;
    }

    /** The {@link System#nanoTime()} at which the grant was requested. */
    public final long acquiredNanos() {
        return acquiredNanos;
    }

    /** The thread that holds the grant. */
    public final Thread thread() {
        return thread;
    }

    /**
     * True for a shared grant ({@link LockMode#SHARED}), false for an exclusive
     * one. Set when the grant is issued.
     */
    public final boolean isShared() {
        return shared;
    }

    /** Marks the grant as shared; called once by the manager when it issues it. */
    final void markShared() {
        shared = true;
    }

    /** True once the grant was lost. */
    public final boolean isLost() {
        return lost;
    }

    /** True once the grant ended by release, or was lost. */
    public final boolean isOver() {
        return ended || lost;
    }

    /** Why the grant was lost, or null. */
    public final synchronized String lossReason() {
        return lossReason;
    }

    /**
     * Marks the grant lost, reports it and runs the listeners, once. Does nothing if the grant
     * already ended or was already lost.
     *
     * @return true if this call marked the grant lost
     */
    public final boolean markLost(String reason) {
        List<Runnable> toRun;
        synchronized (this) {
            if (lost || ended) {
                return false;
            }
            lossReason = reason;
            lost = true;
            toRun = listeners == null ? List.of() : listeners;
            listeners = null;
        }
        reporter.lost(this, reason);
        toRun.forEach(Grant::runQuietly);
        return true;
    }

    /**
     * Adds a loss listener to the hold with token {@code token}; runs it now if that hold is
     * already lost. Dropped if that hold ended by release, also when the grant was reissued since
     * (only a grant released normally is).
     */
    final void addLossListener(Runnable listener, long token) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            boolean over = ended; // read before the token: reissue() writes the token, then ended
            if (fencingToken != token) {
                return;
            }
            if (!lost) {
                if (!over) {
                    if (listeners == null) {
                        listeners = new ArrayList<>(1);
                    }
                    listeners.add(listener);
                }
                return;
            }
        }
        runQuietly(listener);
    }

    /** Marks the grant ended by a normal release: no loss is reported after this. */
    final synchronized void end() {
        ended = true;
        listeners = null;
    }

    /**
     * Issues this grant again, for a new hold by the calling thread: only a grant whose hold
     * ended normally (never a lost one), by the thread that now holds the resource's local lock.
     *
     * @throws IllegalStateException if the grant is held or was lost
     */
    final void reissue(long token, long requestNanos) {
        if (!ended || lost) {
            throw new IllegalStateException("only a grant released normally can be reissued: " + this);
        }
        Thread current = Thread.currentThread();
        if (thread != current) {
            thread = current;
        }
        fencingToken = token;
        acquiredNanos = requestNanos;
        if (acquiredAt != null) {
            acquiredAt = null;
        }
        ended = false;
    }

    private static void runQuietly(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Grant.class).warn("a lease-lost listener threw; the others still ran", e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + resource + (shared ? ", shared" : "")
                + ", token " + fencingToken + (lost ? ", lost" : ended ? ", released" : ", held") + "]";
    }
}

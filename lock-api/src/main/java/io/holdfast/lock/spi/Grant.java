package io.holdfast.lock.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

    private static final int HELD = 0;
    private static final int ENDED = 1;
    private static final int LOST = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Grant.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Receives every loss once; the manager logs it and counts it. */
    @FunctionalInterface
    public interface LossReporter {
        /** Called once when {@code grant} is lost. */
        void lost(Grant grant, String reason);
    }

    private final String resource;
    /*
     * The hold's token, request time and thread: final but for reissue(), which writes them
     * before publishing the hold (the release write of state, then the manager's entry).
     */
    private long fencingToken;
    private long acquiredNanos;
    private Thread thread;
    private final LossReporter reporter;
    /** The wall-clock grant time the backend gave, or null: then derived, see {@link #derived}. */
    private volatile Instant acquiredAt;
    /**
     * The wall-clock time derived on first use from the {@link #acquiredNanos} it names: keyed by
     * them, so a derivation racing a reissue never passes for the next hold's time.
     */
    private volatile DerivedTime derived;
    /**
     * Loss listeners, created on the first one; changed under this, read by {@link #end()}
     * without it (volatile: see there).
     */
    private volatile List<Runnable> listeners;
    /** {@link #HELD}, then {@link #ENDED} or {@link #LOST}, once each hold; CAS only. */
    private volatile int state;
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
        Instant given = acquiredAt;
        if (given != null) {
            return given;
        }
        long nanos = acquiredNanos;
        DerivedTime d = derived;
        return d != null && d.nanos == nanos ? d.at : derive(nanos);
    }

    private synchronized Instant derive(long nanos) {
        DerivedTime d = derived;
        if (d == null || d.nanos != nanos) {
            d = new DerivedTime(nanos, Instant.now().minusNanos(System.nanoTime() - nanos));
            derived = d;
        }
        return d.at;
    }

    /** A wall-clock time derived from a {@link System#nanoTime()} reading. */
    private record DerivedTime(long nanos, Instant at) {}

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
        return state == LOST;
    }

    /** True once the grant ended by release, or was lost. */
    public final boolean isOver() {
        return state != HELD;
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
            if (!STATE.compareAndSet(this, HELD, LOST)) {
                return false;
            }
            lossReason = reason;
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
            int s = state; // read before the token: reissue() writes the token, then the state
            if (fencingToken != token || s == ENDED) {
                return;
            }
            if (s == HELD) {
                List<Runnable> l = listeners;
                if (l == null) {
                    listeners = l = newListenerList();
                }
                l.add(listener);
                // end() ends a hold without this lock: it sees the listener, or this sees its end
                if (state != HELD || fencingToken != token) {
                    l.remove(listener);
                }
                return;
            }
        }
        runQuietly(listener); // lost
    }

    /**
     * The list of a grant's first loss listener; package-private and overridable only as the
     * seam where a test ends and reissues the hold between {@link #addLossListener}'s check
     * and its add.
     */
    List<Runnable> newListenerList() {
        return new ArrayList<>(1);
    }

    /**
     * Marks the grant ended by a normal release: no loss is reported after this. Lock-free (one
     * CAS): it writes the state, then reads the listeners, while {@link #addLossListener} writes
     * the listeners, then reads the state, so one of them sees the other and drops the listener.
     */
    final void end() {
        if (STATE.compareAndSet(this, HELD, ENDED) && listeners != null) {
            synchronized (this) {
                if (state == ENDED) {
                    listeners = null;
                }
            }
        }
    }

    /** True if this grant's hold ended by a normal release: then it may be reissued. */
    final boolean isReissuable() {
        return state == ENDED;
    }

    /**
     * Issues this grant again, for a new hold by the calling thread: only a grant whose hold
     * ended normally (never a lost one), by the thread that now holds the resource's local lock.
     *
     * @throws IllegalStateException if the grant is held or was lost
     */
    final void reissue(long token, long requestNanos) {
        if (state != ENDED) {
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
        STATE.setRelease(this, HELD); // publishes the fields above to whoever reads the state
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
                + ", token " + fencingToken + (state == LOST ? ", lost" : state == ENDED ? ", released"
                : ", held") + "]";
    }
}

package io.holdfast.lock;

/**
 * One grant of a lock to one thread.
 *
 * <p>A lease is released once: {@link #release()} and {@link #close()} are idempotent. A lease can
 * be <em>lost</em> when the backend can no longer guarantee it (a Redis lease that could not be
 * renewed in time); then {@link #isHeld()} turns false and the {@link #onLost} listeners run.
 * Only the thread that acquired a lease may release it.
 */
public interface Lease extends AutoCloseable {

    /** The resource this lease locks. */
    String resource();

    /**
     * The fencing token: strictly greater than the token of every earlier grant of this resource
     * on this backend. Send it with every write to the protected resource, which should reject a
     * token smaller than the largest it has seen.
     */
    long fencingToken();

    /** True until the lease is released or lost. Safe to call from any thread. */
    boolean isHeld();

    /**
     * Throws if the lease is no longer held; a cheap check before a side effect.
     *
     * @throws LeaseLostException if the lease was lost or released
     */
    void ensureHeld();

    /**
     * Releases this lease. The lock is freed when every lease of the thread's hold is released.
     *
     * @return true if this call released a held lease; false if it was already released or lost
     * @throws IllegalMonitorStateException if called from a thread other than the acquiring one
     */
    boolean release();

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    void close();

    /**
     * Registers a listener that runs once if the lease is lost (not when it is released). It runs
     * at once, on the calling thread, if the lease is already lost; otherwise on the thread that
     * detects the loss, so it must be quick and must not block.
     */
    void onLost(Runnable listener);
}

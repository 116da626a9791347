package io.holdfast.lock;

import java.util.List;

/**
 * One grant of a lock to one thread: exclusive ({@link LockManager#acquire}), shared
 * ({@link LockManager#acquireShared}), or of several resources at once
 * ({@link LockManager#acquireAll}).
 *
 * <p>A lease is released once: {@link #release()} and {@link #close()} are idempotent. A lease can
 * be <em>lost</em> when the backend can no longer guarantee it (a Redis lease that could not be
 * renewed in time); then {@link #isHeld()} turns false and the {@link #onLost} listeners run.
 * Only the thread that acquired a lease may release it.
 */
public interface Lease extends AutoCloseable {

    /**
     * The resource this lease locks.
     *
     * @throws IllegalStateException if the lease covers several resources ({@link #resources()})
     */
    String resource();

    /**
     * The resources this lease locks, in the global order they were taken in: one, or several for
     * a lease of {@link LockManager#acquireAll}.
     */
    default List<String> resources() {
        return List.of(resource());
    }

    /**
     * The fencing token: strictly greater than the token of every earlier grant of this resource
     * on this backend, shared and exclusive alike. Send it with every write to the protected
     * resource, which should keep the largest token it has seen <em>per resource</em> and reject
     * a smaller one. Concurrent shared holders have distinct tokens; a resource that readers only
     * read needs no check.
     *
     * @throws IllegalStateException if the lease covers several resources: use
     *     {@link #fencingToken(String)}
     */
    long fencingToken();

    /**
     * The fencing token of one of the resources this lease covers (see {@link #fencingToken()}).
     *
     * @throws IllegalArgumentException if the lease does not cover {@code resource}
     */
    default long fencingToken(String resource) {
        if (!resources().contains(resource)) {
            throw new IllegalArgumentException("this lease covers " + resources() + ", not '"
                    + resource + "'");
        }
        return fencingToken();
    }

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

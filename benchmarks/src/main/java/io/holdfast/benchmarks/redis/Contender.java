package io.holdfast.benchmarks.redis;

/**
 * One lock implementation under test, as a worker JVM drives it: {@link #acquire} blocks until the
 * lock is held (no timeout: every contender waits as long as it takes) and returns what
 * {@link #release} needs. Implementations are thread-safe.
 */
interface Contender extends AutoCloseable {

    /** Blocks until this thread holds {@code resource}; returns the handle to release. */
    Object acquire(String resource) throws Exception;

    /** Releases what {@link #acquire} returned, from the thread that acquired it. */
    void release(Object handle) throws Exception;

    /**
     * One attempt that does not wait for other holders (S5): the handle to release, or null when
     * another holder has the lock.
     *
     * @throws UnsupportedOperationException if this contender has no such call
     */
    default Object tryAcquire(String resource) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no tryAcquire");
    }

    /**
     * Blocks until this thread holds {@code resource} of a read-write lock (S6), shared or
     * exclusive; returns the handle to {@link #release}.
     *
     * @throws UnsupportedOperationException if this contender (or this build of it) has no shared locks
     */
    default Object acquireReadWrite(String resource, boolean shared) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no shared locks");
    }

    /** The fencing token of the grant {@code handle} stands for, or -1 if this lock has none. */
    default long token(Object handle) {
        return -1;
    }

    /** Contender-specific counters worth printing beside the figures (one line, no spaces needed), or "". */
    default String diagnostics() {
        return "";
    }

    @Override
    void close();
}

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

package io.holdfast.lock.spi;

/**
 * Backend-specific events a {@link LockBackend} reports to its manager's metrics
 * ({@link LockContext#metrics()}); acquire, hold and loss metrics are recorded by the manager
 * itself. Every method does nothing by default. Thread-safe.
 */
public interface BackendMetrics {

    /** A lease renewal succeeded ({@code renewed}) or failed. */
    default void renewal(boolean renewed) {}

    /** A waiter received a release notification. */
    default void notification() {}

    /** A backend command was retried. */
    default void retry() {}

    /** A release sent without waiting failed (the lock stays taken until its lease ends). */
    default void releaseFailed() {}
}

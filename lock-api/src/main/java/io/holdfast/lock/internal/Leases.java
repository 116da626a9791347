package io.holdfast.lock.internal;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockTimeoutException;
import java.time.Duration;

/** Taking a lease of another manager by a deadline (composed and multi-resource leases). */
public final class Leases {

    private Leases() {}

    /**
     * One attempt if the deadline has passed, else a wait until it.
     *
     * @param shared whether to take the lock shared
     * @return the lease, or null when not granted by the deadline
     */
    public static Lease takeBy(LockManager m, String resource, long deadlineNanos, boolean shared)
            throws InterruptedException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            return (shared ? m.tryAcquireShared(resource) : m.tryAcquire(resource)).orElse(null);
        }
        try {
            Duration wait = Duration.ofNanos(remaining);
            return shared ? m.acquireShared(resource, wait) : m.acquire(resource, wait);
        } catch (LockTimeoutException e) {
            return null;
        }
    }
}

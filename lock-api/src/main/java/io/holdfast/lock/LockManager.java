package io.holdfast.lock;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;

/**
 * Grants exclusive, reentrant, fenced leases on named resources.
 *
 * <p>A resource name is 1 to 256 characters, case-sensitive, without control characters. Every
 * grant carries a {@linkplain Lease#fencingToken() fencing token} that is strictly greater than
 * every earlier grant's token for the same resource on the same backend, so a protected resource
 * can reject a holder that was paused past its lease.
 *
 * <p>Holds are per thread: a thread that already holds a resource gets a new {@link Lease} of the
 * same hold at once (same token); the resource is free when every lease of the hold is released.
 * Implementations are thread-safe.
 */
public interface LockManager extends AutoCloseable {

    /**
     * Acquires the lock, waiting up to {@code wait}.
     *
     * @param resource the resource name
     * @param wait how long to wait; {@link Duration#ZERO} makes a single attempt
     * @return the lease, held by the calling thread
     * @throws LockTimeoutException if the lock was not granted within {@code wait}
     * @throws LockUnavailableException if the backend cannot be reached
     * @throws LeaseLostException if the calling thread re-enters a hold whose lease was lost
     * @throws IllegalArgumentException if the name or the wait is invalid
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    Lease acquire(String resource, Duration wait) throws InterruptedException;

    /**
     * Tries once to acquire the lock, without waiting for other holders.
     *
     * @return the lease, or empty if another holder has the lock
     * @throws LockUnavailableException if the backend cannot be reached
     * @throws IllegalArgumentException if the name is invalid
     */
    Optional<Lease> tryAcquire(String resource);

    /**
     * Runs {@code body} under the lock and releases the lock afterwards, whatever happens.
     *
     * @return what the body returned
     * @throws E the body's own exception, unchanged
     * @throws LockTimeoutException if the lock was not granted within {@code wait}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    <T, E extends Exception> T withLock(String resource, Duration wait, LockedCall<T, E> body)
            throws E, InterruptedException;

    /**
     * A {@link Lock} view of one resource, sharing holds with this manager. {@code lock()} waits
     * without limit; {@code unlock()} releases the calling thread's latest lease on the resource.
     * {@code newCondition()} throws {@link UnsupportedOperationException}.
     */
    Lock asLock(String resource);

    /** Describes the current holder of the resource, or empty when it is free. */
    Optional<LockInfo> inspect(String resource);

    /**
     * The locks this manager's threads hold now, for diagnostics (an actuator endpoint, a dump):
     * each hold once, with its fencing token and, where the backend has leases, the time left (a
     * backend call per hold; if it fails the hold is listed without it). Every holdfast backend
     * implements it; the default throws.
     *
     * @throws UnsupportedOperationException if the implementation does not track its holds
     * @throws IllegalStateException if the manager is closed
     */
    default List<LockInfo> heldLocks() {
        throw new UnsupportedOperationException(getClass().getName() + " does not list its holds");
    }

    /** The backend's short name: {@code local}, {@code file}, {@code redis}. */
    String backend();

    /** Releases the manager's resources; leases still held are released as far as possible. */
    @Override
    void close();
}

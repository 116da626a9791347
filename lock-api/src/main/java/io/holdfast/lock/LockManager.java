package io.holdfast.lock;

import io.holdfast.lock.internal.MultiLease;
import io.holdfast.lock.internal.ReadWriteView;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * Grants exclusive or shared, reentrant, fenced leases on named resources.
 *
 * <p>A resource name is 1 to 256 characters, case-sensitive, without control characters. Every
 * grant carries a {@linkplain Lease#fencingToken() fencing token} that is strictly greater than
 * every earlier grant's token for the same resource on the same backend, so a protected resource
 * can reject a holder that was paused past its lease.
 *
 * <p>Holds are per thread: a thread that already holds a resource gets a new {@link Lease} of the
 * same hold at once (same token); the resource is free when every lease of the hold is released.
 * Implementations are thread-safe.
 *
 * <p><b>Shared locks</b> ({@link #acquireShared}): any number of shared holders at once, across
 * threads and processes, and no exclusive holder meanwhile. They prefer writers: once an
 * exclusive request waits, new shared requests wait behind it ({@link #tryAcquireShared}
 * misses), so a stream of readers never starves a writer. Reentrancy is that of
 * {@link java.util.concurrent.locks.ReentrantReadWriteLock}: a shared holder may acquire shared
 * again, an exclusive holder may acquire shared (the lease is part of its exclusive hold, which
 * lasts until that lease is released too), but a shared holder cannot upgrade to exclusive.
 * Shared leases are renewed and reported lost like exclusive ones. Fencing tokens strictly
 * increase over all grants of a resource, shared and exclusive.
 *
 * <p><b>Several resources</b> ({@link #acquireAll}): taken in one global order, so two callers
 * never deadlock whatever order they list them in.
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
     * @throws IllegalMonitorStateException if the calling thread holds the resource shared: a
     *     shared hold is never upgraded (two upgrading readers would wait for each other forever)
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
     * Acquires the lock shared, waiting up to {@code wait} for an exclusive holder, and for
     * exclusive requests that were waiting before this one.
     *
     * @param resource the resource name
     * @param wait how long to wait; {@link Duration#ZERO} makes a single attempt
     * @return the shared lease, held by the calling thread
     * @throws LockTimeoutException if the lock was not granted within {@code wait}
     * @throws LockUnavailableException if the backend cannot be reached
     * @throws UnsupportedOperationException if the backend has no shared locks
     * @throws IllegalArgumentException if the name or the wait is invalid
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    default Lease acquireShared(String resource, Duration wait) throws InterruptedException {
        throw new UnsupportedOperationException(getClass().getName() + " has no shared locks");
    }

    /**
     * Tries once to acquire the lock shared: empty while an exclusive holder has it or an
     * exclusive request waits for it.
     *
     * @throws LockUnavailableException if the backend cannot be reached
     * @throws UnsupportedOperationException if the backend has no shared locks
     * @throws IllegalArgumentException if the name is invalid
     */
    default Optional<Lease> tryAcquireShared(String resource) {
        throw new UnsupportedOperationException(getClass().getName() + " has no shared locks");
    }

    /**
     * Acquires every resource exclusively within one {@code wait}, or none of them. Names are
     * taken in one global order ({@link String#compareTo}, duplicates once), so callers that list
     * the same resources in different orders never deadlock. The lease covers all of them and
     * releases them together; {@link Lease#fencingToken(String)} gives each one's token (the
     * no-argument {@link Lease#fencingToken()} works only when a single resource is listed).
     * Resources the thread already holds are re-entered.
     *
     * @param resources one or more resource names
     * @param wait how long to wait for all of them together
     * @return one lease covering all the resources
     * @throws LockTimeoutException if they were not all granted within {@code wait}; those taken
     *     meanwhile have been released
     * @throws IllegalArgumentException if the collection is empty or a name or the wait invalid
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    default Lease acquireAll(Collection<String> resources, Duration wait)
            throws InterruptedException {
        return MultiLease.acquire(this, resources, wait);
    }

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
     * without limit; {@code unlock()} releases the latest lease the calling thread took through
     * this view (each view keeps its own per-thread stack of leases, so a lease taken through the
     * manager or another view is never released by it). {@code newCondition()} throws
     * {@link UnsupportedOperationException}.
     */
    Lock asLock(String resource);

    /**
     * A {@link ReadWriteLock} view of one resource, sharing holds with this manager: its read
     * lock takes shared leases, its write lock exclusive ones (both as {@link #asLock}).
     *
     * @throws UnsupportedOperationException from the read lock if the backend has no shared locks
     */
    default ReadWriteLock asReadWriteLock(String resource) {
        return new ReadWriteView(this, resource);
    }

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

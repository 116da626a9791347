package io.holdfast.lock;

/**
 * Work done while holding a lock, for {@link LockManager#withLock}.
 *
 * @param <T> the result type
 * @param <E> the checked exception the work may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface LockedCall<T, E extends Exception> {

    /**
     * Does the work.
     *
     * @param lease the lease under which the work runs; pass its fencing token to the protected
     *     resource
     */
    T call(Lease lease) throws E;
}

package io.holdfast.lock.spi;

import io.holdfast.lock.Lease;

/**
 * A lock manager whose fencing counter a holder can raise, so that a manager composed of it and
 * another backend (the {@code USE_NEW_LOCKS=dual} rollout) keeps one increasing token sequence
 * with instances that use this backend alone: the composed grant carries the other backend's
 * token and raises this backend's counter to it, and the next grant of this backend is greater.
 */
public interface FencingCounter {

    /**
     * Raises the fencing counter of {@code lease}'s resource to at least {@code token}: every
     * later grant of the resource, by any manager sharing the counter, carries a greater token.
     * Does nothing if the counter is already that high.
     *
     * @param lease a lease of this manager, held by the calling thread
     * @param token the token the counter must reach
     * @throws IllegalArgumentException if {@code lease} is not a held lease of this manager on
     *     the calling thread
     * @throws io.holdfast.lock.LockUnavailableException if the counter cannot be written
     */
    void raiseCounter(Lease lease, long token);
}

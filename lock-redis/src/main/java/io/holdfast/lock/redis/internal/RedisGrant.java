package io.holdfast.lock.redis.internal;

import io.holdfast.lock.spi.Grant;
import java.time.Instant;

/**
 * A Redis lock held by one thread: its keys, the owner value stored in the lock key, and how long
 * the lease is known to be valid on this JVM's monotonic clock.
 */
public final class RedisGrant extends Grant {

    private final KeyLayout.LockKeys keys;
    private final String owner;
    private final int handoffs;
    /** True for a shared hold: an entry in the readers key, not the lock key's value. */
    private final boolean sharedHold;
    private volatile long validUntilNanos;
    /** True while the lease is a claim lease a release handed over, not yet renewed. */
    private volatile boolean onClaim;
    private volatile boolean releasing;

    /**
     * Creates the grant for the calling thread.
     *
     * @param sentNanos {@link System#nanoTime()} when the acquire that granted it was sent
     * @param validUntilNanos until when the lease is known valid (sent + lease - margin, or
     *     the claim lease's end when {@code onClaim})
     * @param onClaim true when a release handed the lock over with a claim lease
     * @param sharedHold true for a shared hold (an entry in the lock's readers key)
     */
    public RedisGrant(String resource, long fencingToken, long sentNanos, long validUntilNanos,
            boolean onClaim, boolean sharedHold, KeyLayout.LockKeys keys, String owner,
            LossReporter reporter) {
        this(resource, fencingToken, sentNanos, validUntilNanos, onClaim, sharedHold, keys, owner,
                reporter, 0);
    }

    private RedisGrant(String resource, long fencingToken, long sentNanos, long validUntilNanos,
            boolean onClaim, boolean sharedHold, KeyLayout.LockKeys keys, String owner,
            LossReporter reporter, int handoffs) {
        super(resource, fencingToken, Instant.now(), sentNanos, reporter);
        this.sharedHold = sharedHold;
        this.keys = keys;
        this.owner = owner;
        this.validUntilNanos = validUntilNanos;
        this.onClaim = onClaim;
        this.handoffs = handoffs;
    }

    /**
     * The grant of the same Redis lease (same owner value, same validity) to the calling thread,
     * handed on from this one: the next fencing token of the block the Redis grant reserved.
     */
    public RedisGrant handedOn(LossReporter reporter) {
        return new RedisGrant(resource(), fencingToken() + 1, System.nanoTime(), validUntilNanos,
                onClaim, sharedHold, keys, owner, reporter, handoffs + 1);
    }

    /** True for a shared hold (an entry in the lock's readers key), false for the lock key. */
    public boolean isSharedHold() {
        return sharedHold;
    }

    /** How many times this lease passed between threads of this JVM since Redis granted it. */
    public int handoffs() {
        return handoffs;
    }

    /** The lock's keys. */
    public KeyLayout.LockKeys keys() {
        return keys;
    }

    /** The value this grant stored in the lock key. */
    public String owner() {
        return owner;
    }

    /** Until when ({@link System#nanoTime()}) the lease is known to be valid. */
    public long validUntilNanos() {
        return validUntilNanos;
    }

    /** Records a confirmed renewal (which ends a claim lease); validity only moves forward. */
    public void renewed(long validUntil) {
        if (validUntil - validUntilNanos > 0) {
            validUntilNanos = validUntil;
        }
        onClaim = false;
    }

    /** True while the lease is the claim lease a release handed over, not yet renewed. */
    public boolean isOnClaim() {
        return onClaim;
    }

    /** True when the lease's validity has ended by {@code nowNanos}. */
    public boolean expiredAt(long nowNanos) {
        return nowNanos - validUntilNanos >= 0;
    }

    /** Marks the start of a release, after which renewal results are ignored. */
    public void startRelease() {
        releasing = true;
    }

    /** True once the holder started releasing. */
    public boolean isReleasing() {
        return releasing;
    }
}

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
    private volatile long validUntilNanos;
    private volatile boolean releasing;

    /**
     * Creates the grant for the calling thread.
     *
     * @param sentNanos {@link System#nanoTime()} when the acquire that granted it was sent
     * @param validUntilNanos until when the lease is known valid (sent + lease - margin)
     */
    public RedisGrant(String resource, long fencingToken, long sentNanos, long validUntilNanos,
            KeyLayout.LockKeys keys, String owner, LossReporter reporter) {
        super(resource, fencingToken, Instant.now(), sentNanos, reporter);
        this.keys = keys;
        this.owner = owner;
        this.validUntilNanos = validUntilNanos;
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

    /** Records a confirmed renewal; validity only moves forward. */
    public void renewed(long validUntil) {
        if (validUntil - validUntilNanos > 0) {
            validUntilNanos = validUntil;
        }
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

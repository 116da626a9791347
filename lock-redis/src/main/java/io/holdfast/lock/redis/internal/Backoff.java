package io.holdfast.lock.redis.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, the one backoff of the Redis client (command retries and
 * polling waiters): attempt {@code n} (from 1) waits between half and all of
 * {@code min(first * 2^(n-1), max)}, so that clients of many processes that failed together
 * spread out. Immutable.
 *
 * @param firstNanos the first delay before jitter, at least 1ns
 * @param maxNanos the longest delay before jitter, at least {@code firstNanos}
 */
public record Backoff(long firstNanos, long maxNanos) {

    /**
     * Validates the bounds.
     *
     * @throws IllegalArgumentException if {@code firstNanos} is not positive or
     *     {@code maxNanos} is smaller
     */
    public Backoff {
        if (firstNanos <= 0 || maxNanos < firstNanos) {
            throw new IllegalArgumentException("backoff must start above 0 and not exceed its"
                    + " maximum, but was " + firstNanos + "ns to " + maxNanos + "ns");
        }
    }

    /** A backoff from {@code first} doubling up to {@code max}. */
    public static Backoff of(Duration first, Duration max) {
        return new Backoff(first.toNanos(), max.toNanos());
    }

    /** The delay before jitter after failed attempt {@code attempt} (from 1). */
    public long ceilingNanos(int attempt) {
        int doublings = Math.min(Math.max(attempt, 1) - 1, 62);
        long d = firstNanos << doublings;
        return d <= 0 || d >= maxNanos || (d >> doublings) != firstNanos ? maxNanos : d;
    }

    /** The delay after failed attempt {@code attempt} (from 1): half to all of its ceiling. */
    public long delayNanos(int attempt) {
        long ceiling = ceilingNanos(attempt);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}

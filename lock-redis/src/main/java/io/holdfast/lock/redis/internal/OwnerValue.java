package io.holdfast.lock.redis.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A lock owner value, the one format every script, manager and admin reads:
 * {@code <ownerId>:<thread>:<epoch ms>:<attempt>:<claim ms>:<lease ms>}, stored with a trailing
 * {@code !} while waiters queue. The attempt number (per manager) makes every acquire attempt's
 * value unique, even for one thread within one millisecond or under a clock that stepped back,
 * so a grant message or a late reply of one attempt never completes another. The claim is the
 * lease a release gives this owner when it hands the lock over (the scripts read it from the
 * value: {@code tokens-and-queue.lua}); the lease is last. Values of the previous format
 * ({@code <ownerId>:<thread>:<epoch ms>:<lease ms>}) are still read.
 *
 * @param value the value without the waiter mark
 * @param ownerId the manager's owner id
 * @param thread the acquiring thread's id
 * @param epochMillis when the attempt began (the holder's clock), 0 if unknown
 * @param attempt the manager's attempt number, 0 if unknown
 * @param claimMillis the claim lease, 0 if unknown
 * @param leaseMillis the lease, 0 if unknown
 */
public record OwnerValue(String value, String ownerId, String thread, long epochMillis, long attempt,
        long claimMillis, long leaseMillis) {

    /** Appended to the stored value while waiters queue for the lock. */
    public static final String WAITERS_MARK = "!";
    private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

    /** The value of one acquire attempt. */
    public static OwnerValue of(String ownerId, long thread, long attempt, Duration claim,
            Duration lease) {
        long now = System.currentTimeMillis();
        return new OwnerValue(text(ownerId, thread, now, attempt, claim.toMillis(),
                lease.toMillis()), ownerId, Long.toString(thread), now, attempt, claim.toMillis(),
                lease.toMillis());
    }

    /**
     * The value of one acquire attempt begun at {@code epochMillis}, as {@link #of} holds it,
     * without building the record: the acquire path's form, once per attempt.
     */
    public static String text(String ownerId, long thread, long epochMillis, long attempt,
            long claimMillis, long leaseMillis) {
        return ownerId + ":" + thread + ":" + epochMillis + ":" + attempt + ":" + claimMillis + ":"
                + leaseMillis;
    }

    /** A stored value without its waiter mark. */
    public static String unmarked(String stored) {
        return stored.endsWith(WAITERS_MARK) ? stored.substring(0, stored.length() - 1) : stored;
    }

    /**
     * Parses a stored value (with or without the waiter mark), of this format or the previous one.
     *
     * @return empty for a value holdfast did not write
     */
    public static Optional<OwnerValue> parse(String stored) {
        String v = unmarked(stored);
        String[] p = v.split(":", -1);
        if (p.length == 6 && numbers(p, 1, 6)) {
            return Optional.of(new OwnerValue(v, p[0], p[1], Long.parseLong(p[2]),
                    Long.parseLong(p[3]), Long.parseLong(p[4]), Long.parseLong(p[5])));
        }
        if (p.length == 4 && numbers(p, 1, 4)) {
            return Optional.of(new OwnerValue(v, p[0], p[1], Long.parseLong(p[2]), 0, 0,
                    Long.parseLong(p[3])));
        }
        return Optional.empty();
    }

    /**
     * Parses a stored value for display: a value holdfast did not write keeps its text as the
     * owner id, with thread {@code ?} and numbers 0.
     */
    public static OwnerValue lenient(String stored) {
        return parse(stored).orElseGet(() -> {
            String v = unmarked(stored);
            return new OwnerValue(v, v, "?", 0, 0, 0, 0);
        });
    }

    private static boolean numbers(String[] parts, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!DIGITS.matcher(parts[i]).matches()) {
                return false;
            }
        }
        return !parts[0].isEmpty();
    }

    /** When the attempt began, by the holder's clock (the epoch if unknown). */
    public Instant at() {
        return Instant.ofEpochMilli(epochMillis);
    }

    @Override
    public String toString() {
        return value;
    }
}

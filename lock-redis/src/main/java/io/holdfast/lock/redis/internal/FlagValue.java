package io.holdfast.lock.redis.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * The value of a flag key, {@code <ownerId>|<set at, epoch ms>|<write number>|<flag name>} (the
 * name last, as it may hold '|'): built by the status manager and the admin, read by both, and
 * owner-checked by clear.lua against its {@link #ownerPrefix}. The write number makes every value
 * a manager writes unique, so that a retried claim recognises itself.
 *
 * @param ownerId the id of the manager (or operator) that set the flag
 * @param setAt when it was set ({@link Instant#EPOCH} if unreadable)
 * @param flag the flag's name
 */
public record FlagValue(String ownerId, Instant setAt, String flag) {

    private static final char SEP = '|';
    private static final int FIELDS = 4;

    /** The value {@code ownerId} stores for {@code flag}, set now as its write {@code write}. */
    public static String of(String ownerId, long write, String flag) {
        return ownerId + SEP + System.currentTimeMillis() + SEP + write + SEP + flag;
    }

    /** What every value {@code ownerId} sets starts with: the argument of clear.lua. */
    public static String ownerPrefix(String ownerId) {
        return ownerId + SEP;
    }

    /** The owner id of a stored value (all of it if it has no separator). */
    public static String ownerOf(String stored) {
        int end = stored.indexOf(SEP);
        return end < 0 ? stored : stored.substring(0, end);
    }

    /** A stored value read back, or empty if it is not in this format. */
    public static Optional<FlagValue> parse(String stored) {
        String[] parts = stored.split("\\|", FIELDS);
        if (parts.length != FIELDS) {
            return Optional.empty();
        }
        return Optional.of(new FlagValue(parts[0], parseMillis(parts[1]), parts[3]));
    }

    /** Epoch milliseconds as an instant; {@link Instant#EPOCH} for text that is not a number. */
    public static Instant parseMillis(String text) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Instant.EPOCH;
        }
    }
}

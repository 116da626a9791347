package io.holdfast.lock.redis.admin;

import java.time.Instant;

/**
 * A lock owner value as the lock scripts store it, {@code <ownerId>:<thread>:<epoch ms>:<lease
 * ms>} with a trailing {@code !} while waiters queue (see {@code LockProtocol.newOwner}). The one
 * place the admin reads that format.
 *
 * @param value the value without the waiter mark
 * @param ownerId the manager's owner id
 * @param thread the acquiring thread's id
 * @param at when the acquire began (the holder's clock), or the epoch if unreadable
 */
record OwnerValue(String value, String ownerId, String thread, Instant at) {

    /** Parses a stored value; a value of another shape keeps its text as the owner id. */
    static OwnerValue parse(String stored) {
        String v = stored.endsWith("!") ? stored.substring(0, stored.length() - 1) : stored;
        String[] parts = v.split(":");
        if (parts.length != 4) {
            return new OwnerValue(v, v, "?", Instant.EPOCH);
        }
        Instant at;
        try {
            at = Instant.ofEpochMilli(Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            at = Instant.EPOCH;
        }
        return new OwnerValue(v, parts[0], parts[1], at);
    }
}

package io.holdfast.lock.local.internal;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.internal.OwnerIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One set flag: who set it and until when. The validation rules and the on-disk form shared by
 * the in-memory and file status managers.
 *
 * @param owner the setting manager's owner string (random id and a readable label)
 * @param setAt when it was set
 * @param expiresAt when it expires
 */
public record FlagRecord(String owner, Instant setAt, Instant expiresAt) {

    private static final Duration MIN_TTL = Duration.ofMillis(1);

    /** Validates the components. */
    public FlagRecord {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(setAt, "setAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A record set now for {@code ttl}. */
    public static FlagRecord of(String owner, Instant now, Duration ttl) {
        return new FlagRecord(owner, now, now.plus(ttl));
    }

    /** Checks a flag name (the shared name rule). */
    public static String requireName(String flag) {
        return Names.require("flag", flag);
    }

    /** Checks a TTL: at least 1ms. */
    public static Duration requireTtl(Duration ttl) {
        return Durations.requireAtLeast("ttl", ttl, MIN_TTL);
    }

    /** A new owner string: a random 128-bit id, then the process id and host for people. */
    public static String newOwner() {
        return OwnerIds.random() + " (pid " + ProcessHandle.current().pid() + " on " + host() + ")";
    }

    /** True when the flag has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** What a clear does to a stored flag. */
    public enum Removal {
        /** Leave it: it is live and belongs to someone else. */
        KEEP,
        /** Delete it quietly: it had expired, so nothing was cleared. */
        DROP_EXPIRED,
        /** Delete it: a live flag was cleared. */
        CLEAR;

        /** True if the stored flag should be deleted. */
        public boolean deletes() {
            return this != KEEP;
        }
    }

    /**
     * The one rule for clearing: an expired flag is dropped whoever owns it; a live one is cleared
     * if {@code ownOnly} is false or {@code owner} set it.
     */
    public Removal removal(String owner, boolean ownOnly, Instant now) {
        if (expiredAt(now)) {
            return Removal.DROP_EXPIRED;
        }
        return ownOnly && !this.owner.equals(owner) ? Removal.KEEP : Removal.CLEAR;
    }

    /** The public snapshot. */
    public FlagInfo toInfo(String name) {
        return new FlagInfo(name, owner, setAt, expiresAt);
    }

    /** The file form: three lines, owner, set-at and expires-at in epoch milliseconds. */
    public byte[] toBytes() {
        return (owner + "\n" + setAt.toEpochMilli() + "\n" + expiresAt.toEpochMilli() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Parses {@link #toBytes()}; empty if the content is not a complete record. */
    public static Optional<FlagRecord> parse(byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length != 4 || !lines[3].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FlagRecord(lines[0], Instant.ofEpochMilli(Long.parseLong(lines[1])),
                    Instant.ofEpochMilli(Long.parseLong(lines[2]))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown host";
        }
    }
}

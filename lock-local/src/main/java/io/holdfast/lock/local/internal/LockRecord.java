package io.holdfast.lock.local.internal;

import io.holdfast.lock.LockInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The content of a lock file: an 8-byte big-endian fencing counter, then, while the lock is held,
 * one line describing the holder ({@code owner-id TAB pid TAB thread TAB acquired-at-millis}).
 * The counter is never reset, which is why lock files are never deleted.
 */
public final class LockRecord {

    /** Bytes of the counter at the start of the file. */
    public static final int COUNTER_BYTES = Long.BYTES;

    private LockRecord() {}

    /** The counter stored in {@code content}, or 0 for a new or short file. */
    public static long counter(byte[] content) {
        return content.length < COUNTER_BYTES ? 0 : ByteBuffer.wrap(content).getLong();
    }

    /** The file content for a hold with {@code token}. */
    public static byte[] held(long token, String ownerId, Thread thread, Instant acquiredAt) {
        String line = ownerId + "\t" + ProcessHandle.current().pid() + "\t"
                + thread.getName().replaceAll("[\\p{Cntrl}]", "?") + "\t" + acquiredAt.toEpochMilli();
        byte[] holder = line.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(COUNTER_BYTES + holder.length).putLong(token).put(holder).array();
    }

    /** The display name of a holder: short owner id, thread, and process id. */
    public static String holderName(String ownerId, String thread, long pid) {
        return ownerId.substring(0, Math.min(8, ownerId.length())) + "…/" + thread + " (pid " + pid + ")";
    }

    /** Describes the holder recorded in {@code content}; empty when no holder line is present. */
    public static Optional<LockInfo> describe(String resource, byte[] content) {
        if (content.length <= COUNTER_BYTES) {
            return Optional.empty();
        }
        String[] parts = new String(content, COUNTER_BYTES, content.length - COUNTER_BYTES,
                StandardCharsets.UTF_8).split("\t", -1);
        if (parts.length != 4) {
            return Optional.of(new LockInfo(resource, "unknown holder (record being written)",
                    counter(content), Instant.EPOCH, Optional.empty()));
        }
        try {
            return Optional.of(new LockInfo(resource,
                    holderName(parts[0], parts[2], Long.parseLong(parts[1])), counter(content),
                    Instant.ofEpochMilli(Long.parseLong(parts[3])), Optional.empty()));
        } catch (NumberFormatException e) {
            return Optional.of(new LockInfo(resource, "unknown holder (unreadable record)",
                    counter(content), Instant.EPOCH, Optional.empty()));
        }
    }
}

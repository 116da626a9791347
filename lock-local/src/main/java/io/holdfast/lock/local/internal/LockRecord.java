package io.holdfast.lock.local.internal;

import io.holdfast.lock.LockInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The content of a lock file: an 8-byte big-endian fencing counter, then, while the lock is held,
 * one line describing the holder ({@code owner-id TAB pid TAB thread TAB acquired-at-millis TAB
 * process-start-millis}). The counter is never reset on purpose, which is why lock files are
 * never deleted; a lost one (file removed, truncated, replaced) is made up for by flooring
 * tokens with the wall clock in microseconds.
 */
public final class LockRecord {

    /** Bytes of the counter at the start of the file. */
    public static final int COUNTER_BYTES = Long.BYTES;

    private LockRecord() {}

    /** The counter stored in {@code content}, or 0 for a new or short file. */
    public static long counter(byte[] content) {
        return content.length < COUNTER_BYTES ? 0 : ByteBuffer.wrap(content).getLong();
    }

    /**
     * The token of the next grant after {@code counter}: {@code max(counter + 1, wall-clock
     * microseconds)}, so that tokens keep increasing when the counter is lost (a lock file
     * removed, truncated or replaced, a temporary directory emptied at boot), unless the clock
     * steps back meanwhile.
     *
     * @throws IllegalStateException if the counter cannot grow any more
     */
    public static long nextToken(long counter, Clock clock) {
        if (counter == Long.MAX_VALUE) {
            throw new IllegalStateException("the fencing counter is at its maximum");
        }
        return Math.max(counter + 1, ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()));
    }

    /** The file content for a hold with {@code token}. */
    public static byte[] held(long token, String ownerId, Thread thread, Instant acquiredAt) {
        String line = ownerId + "\t" + Processes.PID + "\t"
                + thread.getName().replaceAll("[\\p{Cntrl}]", "?") + "\t" + acquiredAt.toEpochMilli()
                + "\t" + Processes.START_MILLIS;
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
        String[] parts = holderLine(content);
        if (parts.length != 4 && parts.length != 5) {
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

    /**
     * True if {@code content} names a holder in another process that still runs (same pid and
     * start time). A lock file keeps its holder line until the holder releases, so such a line
     * means the lock is held even when the OS lock is free: POSIX drops a process's lock when
     * any of its descriptors of the file is closed, by whatever code closes it. A line of a
     * process that died, of a process whose start time is unknown (it could be a reused pid), or
     * of this process (the caller holds this JVM's gate to the file, so no copy of holdfast here
     * holds it) is stale.
     */
    public static boolean heldByOtherLiveProcess(byte[] content) {
        if (content.length <= COUNTER_BYTES) {
            return false;
        }
        String[] parts = holderLine(content);
        if (parts.length != 5) {
            return false;
        }
        long pid;
        long start;
        try {
            pid = Long.parseLong(parts[1]);
            start = Long.parseLong(parts[4]);
        } catch (NumberFormatException e) {
            return false;
        }
        return !Processes.isSelf(pid, start) && Processes.running(pid, start);
    }

    private static String[] holderLine(byte[] content) {
        return new String(content, COUNTER_BYTES, content.length - COUNTER_BYTES,
                StandardCharsets.UTF_8).split("\t", -1);
    }
}

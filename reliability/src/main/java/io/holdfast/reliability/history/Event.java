package io.holdfast.reliability.history;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * One entry of a history: an operation invoked, or its outcome, stamped with
 * {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux, so stamps of JVMs on one host compare).
 *
 * @param nanos when it happened
 * @param process the recording JVM's name
 * @param thread the recording thread's name; {@code process/thread} identifies a lock owner
 * @param op the operation
 * @param phase invoke, or the outcome
 * @param resource the lock resource or flag name
 * @param value the fencing token (acquire ok, write, release), the token of the value read (read ok),
 *     the TTL in ms (flag set), or 1/0 for present/absent (flag read); 0 when meaningless
 * @param detail free text (error message; {@link #SHARED} on a shared acquire; {@code parts=<n>} on a
 *     read ok), never null
 */
public record Event(long nanos, String process, String thread, Op op, Phase phase, String resource, long value,
        String detail) {

    /** Operations a history records. */
    public enum Op {
        ACQUIRE, RELEASE, WRITE, READ, LOST, FLAG_SET, FLAG_CLEAR, FLAG_READ
    }

    /** The detail of a shared acquire's invoke and outcome events. */
    public static final String SHARED = "shared";

    /** Invocation or outcome; UNKNOWN is an outcome the client cannot know (e.g. a timed-out reply). */
    public enum Phase {
        INVOKE, OK, FAIL, UNKNOWN
    }

    /** Validates the components. */
    public Event {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(detail, "detail");
    }

    /** The lock owner this event belongs to: {@code process/thread}. */
    public String owner() {
        return process + "/" + thread;
    }

    /** One tab-separated line (names Base64-encoded so any text survives). */
    String toLine() {
        return nanos + "\t" + b64(process) + "\t" + b64(thread) + "\t" + op + "\t" + phase + "\t" + b64(resource)
                + "\t" + value + "\t" + b64(detail);
    }

    /** Parses {@link #toLine()}'s output. */
    static Event parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 8) {
            throw new IllegalArgumentException("not a history line: " + line);
        }
        return new Event(Long.parseLong(f[0]), unb64(f[1]), unb64(f[2]), Op.valueOf(f[3]), Phase.valueOf(f[4]),
                unb64(f[5]), Long.parseLong(f[6]), unb64(f[7]));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String text) {
        return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }
}

package io.holdfast.lock.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Formats and parses durations the way people write them: {@code 500ms}, {@code 30s}, {@code 2m}. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");
    /** Saturation point for deadlines: about 292 years in nanoseconds would overflow. */
    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private Durations() {}

    /** Formats a duration compactly ({@code 250ms}, {@code 5s}, {@code 1.5s}, {@code 2m}). */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long ms = d.toMillis();
        if (ms < 1000 && d.toNanos() % 1_000_000 != 0 && ms < 10) {
            return d.toNanos() / 1000 + "µs";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0 && ms < 3_600_000L * 24) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return String.format(Locale.ROOT, "%.3fs", ms / 1000.0).replaceAll("0+s$", "s");
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601
     * ({@code PT30S}).
     *
     * @throws IllegalArgumentException naming {@code what} and the accepted forms
     */
    public static Duration parse(String what, String text) {
        Objects.requireNonNull(text, what);
        String t = text.trim();
        Matcher m = SIMPLE.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                default: return Duration.ofDays(n);
            }
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be a duration such as 500ms, 30s, 2m, 1h"
                    + " or ISO-8601 PT30S, but was '" + text + "'");
        }
    }

    /**
     * Validates a wait: not null, not negative.
     *
     * @throws IllegalArgumentException if negative
     */
    public static Duration requireWait(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait must be zero or positive, but was " + wait);
        }
        return wait;
    }

    /**
     * Validates a positive duration such as a TTL or a lease.
     *
     * @throws IllegalArgumentException naming {@code what} if it is not at least {@code min}
     */
    public static Duration requireAtLeast(String what, Duration value, Duration min) {
        Objects.requireNonNull(value, what);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    what + " must be at least " + format(min) + ", but was " + format(value));
        }
        return value;
    }

    /** The duration in nanoseconds, saturated so that {@code now + result} never overflows. */
    public static long toNanosSaturated(Duration d) {
        if (d.compareTo(Duration.ofNanos(MAX_NANOS)) >= 0) {
            return MAX_NANOS;
        }
        return d.toNanos();
    }
}

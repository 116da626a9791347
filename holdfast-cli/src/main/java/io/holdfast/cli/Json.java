package io.holdfast.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** JSON output: maps, lists, strings and numbers written by jackson-jr, one document per call. */
final class Json {

    private static final JSON PRETTY = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT);
    private static final JSON COMPACT = JSON.std;

    private Json() {}

    /** {@code value} as pretty-printed JSON. */
    static String pretty(Object value) {
        return write(PRETTY, value);
    }

    /** {@code value} as JSON on one line (for {@code watch}: one document per refresh). */
    static String line(Object value) {
        return write(COMPACT, value);
    }

    private static String write(JSON json, Object value) {
        try {
            return json.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An insertion-ordered map for one JSON object. */
    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    /** An instant as ISO-8601 text, or null for the epoch (unknown). */
    static String time(Instant t) {
        return t == null || t.equals(Instant.EPOCH) || t.equals(Instant.MAX) ? null : t.toString();
    }

    /** Milliseconds, or null when absent. */
    static Long millis(Optional<Duration> d) {
        return d.map(Duration::toMillis).orElse(null);
    }
}

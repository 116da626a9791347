package io.holdfast.lock.internal.env;

import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.Secrets;
import io.holdfast.lock.spi.BackendConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one way holdfast reads a variable, for lock-api's own and every provider's: a variable
 * set but empty is an error, and an invalid value is reported in one message shape naming the
 * variable, its value (passwords masked) and what is accepted.
 */
public final class Variables {

    /** How durations are written, for messages. */
    public static final String DURATION = "duration such as 500ms, 30s, 2m or ISO-8601 PT30S";

    private Variables() {}

    /**
     * The parsed value of {@code name}, or empty when it is not set.
     *
     * @param accepted what the variable accepts, for the "set but empty" message
     * @param parser parses the value as set (untrimmed); throws with {@link #invalid}
     * @throws IllegalArgumentException if the value is blank or the parser rejects it
     */
    public static <T> Optional<T> get(BackendConfig config, String name, String accepted,
            Function<String, T> parser) {
        Optional<String> value = config.variable(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.get().isBlank()) {
            throw new IllegalArgumentException(name + " is set but empty; unset it or set it to "
                    + accepted);
        }
        return Optional.of(parser.apply(value.get()));
    }

    /**
     * A positive duration of at least {@code min}.
     *
     * @throws IllegalArgumentException naming {@code name} if it is not
     */
    public static Duration duration(String name, String value, Duration min) {
        Duration d;
        try {
            d = Durations.parse(name, value);
        } catch (IllegalArgumentException e) {
            throw invalid(name, value, "must be a positive " + DURATION);
        }
        if (d.compareTo(min) < 0) {
            throw invalid(name, value, d.isNegative() || d.isZero() ? "must be a positive " + DURATION
                    : "must be at least " + Durations.format(min));
        }
        return d;
    }

    /** The one message shape: variable, what is accepted, masked value. */
    public static IllegalArgumentException invalid(String name, String value, String accepted) {
        return new IllegalArgumentException(name + " " + accepted + ", but was '"
                + Secrets.maskUrl(value) + "'");
    }
}

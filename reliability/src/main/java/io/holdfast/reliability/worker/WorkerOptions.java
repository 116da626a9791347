package io.holdfast.reliability.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code key=value} arguments of a {@link LockWorker}, also used by in-process scenarios to
 * configure a manager the same way. Immutable.
 */
public final class WorkerOptions {

    private final Map<String, String> values;

    private WorkerOptions(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Parses {@code key=value} arguments. */
    public static WorkerOptions parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("worker argument must be key=value, but was '" + arg + "'");
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new WorkerOptions(values);
    }

    /** Options from a map (insertion order kept for {@link #toArgs()}). */
    public static WorkerOptions of(Map<String, String> values) {
        return new WorkerOptions(new LinkedHashMap<>(values));
    }

    /** A copy with {@code key} set to {@code value}. */
    public WorkerOptions with(String key, Object value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, String.valueOf(value));
        return new WorkerOptions(copy);
    }

    /** The arguments to pass to {@link LockWorker#main}. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        values.forEach((k, v) -> args.add(k + "=" + v));
        return args;
    }

    /** The value of {@code key}, or {@code fallback}. */
    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /**
     * The value of {@code key}.
     *
     * @throws IllegalArgumentException if absent
     */
    public String require(String key) {
        String value = values.get(Objects.requireNonNull(key, "key"));
        if (value == null) {
            throw new IllegalArgumentException("worker option '" + key + "' is required; got " + values.keySet());
        }
        return value;
    }

    /** True if {@code key} is set. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** An integer option. */
    public long number(String key, long fallback) {
        return values.containsKey(key) ? Long.parseLong(values.get(key)) : fallback;
    }

    /** A duration option given in milliseconds. */
    public Duration millis(String key, long fallbackMillis) {
        return Duration.ofMillis(number(key, fallbackMillis));
    }

    @Override
    public String toString() {
        return values.toString();
    }
}

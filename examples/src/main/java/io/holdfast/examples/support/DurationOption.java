package io.holdfast.examples.support;

import io.holdfast.lock.internal.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Parses a command-line duration: {@code 10s}, {@code 500ms}, {@code 250us}, {@code 2m} or ISO-8601. */
public final class DurationOption implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        if (value.endsWith("us")) {
            return Duration.ofNanos(Long.parseLong(value.substring(0, value.length() - 2)) * 1000);
        }
        return Durations.parse("duration", value);
    }

    /** The form {@link #convert} reads back exactly, for passing a duration to a child process. */
    public static String format(Duration d) {
        return d.toNanos() / 1000 + "us";
    }
}

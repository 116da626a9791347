package io.holdfast.examples.support;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Parses a command-line duration: {@code 10s}, {@code 500ms}, {@code 250us}, {@code 2m} or ISO-8601. */
public final class DurationOption implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        if (value.endsWith("us")) {
            return Duration.ofNanos(Long.parseLong(value.substring(0, value.length() - 2)) * 1000);
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            switch (v.charAt(v.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                default: break;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 10s,"
                + " 500ms, 250us, 2m, 1h or ISO-8601 PT30S");
    }

    /** The form {@link #convert} reads back exactly, for passing a duration to a child process. */
    public static String format(Duration d) {
        return d.toNanos() / 1000 + "us";
    }
}

package io.holdfast.lock.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link LockBackendProvider} reports after validating its variables: its settings in
 * use, for the start-up log and {@code holdfast check} (never a password), and warnings to log
 * when a service starts with them.
 *
 * @param settings the effective settings, such as {@code DIR=/var/lib/x}, or empty
 * @param warnings what to log at WARN, each a sentence naming the variable and the fix
 */
public record BackendSummary(String settings, List<String> warnings) {

    /** No settings to show, no warnings. */
    public static final BackendSummary NONE = new BackendSummary("", List.of());

    /** Checks that no component is null. */
    public BackendSummary {
        Objects.requireNonNull(settings, "settings");
        warnings = List.copyOf(warnings);
    }

    /** Settings without warnings. */
    public static BackendSummary of(String settings) {
        return new BackendSummary(settings, List.of());
    }
}

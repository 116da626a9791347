package io.holdfast.lock.spi;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a {@link LockBackendProvider} builds its managers from: the variables of the service (as
 * set, such as {@code USE_NEW_LOCKS} and the backend's own, which the provider parses and
 * validates itself), where to record metrics, and the backend-specific options made in code.
 * {@link #toString()} shows variable names only, never values (they may hold passwords).
 *
 * @param variables the variables that are set, by name; values as given (untrimmed)
 * @param meterRegistry where to record metrics
 * @param options backend-specific settings made in code; each backend applies those of its own
 *     types, after the variables
 */
public record BackendConfig(
        Map<String, String> variables,
        Optional<MeterRegistry> meterRegistry,
        List<BackendOption> options) {

    /** Checks that no component is null and copies the collections. */
    public BackendConfig {
        variables = Map.copyOf(variables);
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        options = List.copyOf(options);
    }

    /** Settings with the given variables only: no metrics, no options. */
    public static BackendConfig of(Map<String, String> variables) {
        return new BackendConfig(variables, Optional.empty(), List.of());
    }

    /** The value of variable {@code name} as set, or empty when it is not set. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(Objects.requireNonNull(name, "name")));
    }

    /** True when variable {@code name} is set (even to an empty value). */
    public boolean isSet(String name) {
        return variables.containsKey(Objects.requireNonNull(name, "name"));
    }

    /** A copy that records metrics on {@code registry} (none when null). */
    public BackendConfig withMeterRegistry(MeterRegistry registry) {
        return new BackendConfig(variables, Optional.ofNullable(registry), options);
    }

    /** A copy with the given backend-specific options. */
    public BackendConfig withOptions(List<BackendOption> backendOptions) {
        return new BackendConfig(variables, meterRegistry, backendOptions);
    }

    /** The options of type {@code type}, in the order they were given. */
    public <T extends BackendOption> List<T> options(Class<T> type) {
        return options.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The names of the variables set, the registry and the options; never a variable's value. */
    @Override
    public String toString() {
        return "BackendConfig[variables " + new TreeSet<>(variables.keySet())
                + (meterRegistry.isPresent() ? ", metrics" : "") + ", options " + options + "]";
    }
}

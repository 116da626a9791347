package io.holdfast.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.Environment;

/**
 * The one place where {@code holdfast.*} properties meet the environment variables
 * {@link io.holdfast.lock.LockService#fromEnvironment(Map, io.micrometer.core.instrument.MeterRegistry)}
 * reads. <b>Precedence:</b> a {@code holdfast.*} property that is set (in any property source,
 * {@code HOLDFAST_*} variables included) wins over the variable it stands for; a variable that no
 * property overrides keeps working unchanged; with neither, the library's default applies.
 * Variables are read from the Spring {@link Environment}, so the OS environment, system
 * properties and test properties all count. Values are never logged.
 */
final class EnvironmentMapping {

    /** One variable and the property that overrides it. */
    private record Entry(String variable, String property, Function<HoldfastProperties, Object> value) {}

    private static final List<Entry> ENTRIES = List.of(
            new Entry("USE_NEW_LOCKS", "holdfast.use-new-locks", HoldfastProperties::getUseNewLocks),
            new Entry("LOCK_BACKEND", "holdfast.backend", HoldfastProperties::getBackend),
            new Entry("REDIS_URL", "holdfast.redis.url", p -> p.getRedis().getUrl()),
            new Entry("LOCK_NAMESPACE", "holdfast.namespace", HoldfastProperties::getNamespace),
            new Entry("LOCK_LEASE", "holdfast.lease", HoldfastProperties::getLease),
            new Entry("LOCK_REPLICA_ACKS", "holdfast.replica-acks", HoldfastProperties::getReplicaAcks),
            new Entry("LOCK_REPLICA_TIMEOUT", "holdfast.replica-timeout", HoldfastProperties::getReplicaTimeout),
            new Entry("LOCK_DIR", "holdfast.lock-dir", HoldfastProperties::getLockDir));

    private final Map<String, String> variables;
    /** Variable → the property that supplied it, for the variables a property overrode. */
    private final Map<String, String> fromProperties;

    private EnvironmentMapping(Map<String, String> variables, Map<String, String> fromProperties) {
        this.variables = variables;
        this.fromProperties = fromProperties;
    }

    /** The effective variables for these properties and this environment. */
    static EnvironmentMapping resolve(HoldfastProperties properties, Environment environment) {
        Map<String, String> variables = new LinkedHashMap<>();
        Map<String, String> fromProperties = new LinkedHashMap<>();
        for (Entry e : ENTRIES) {
            Object property = e.value().apply(properties);
            if (property != null) {
                variables.put(e.variable(), property instanceof Duration d ? d.toString() : property.toString());
                fromProperties.put(e.variable(), e.property());
            } else {
                String variable = environment.getProperty(e.variable());
                if (variable != null) {
                    variables.put(e.variable(), variable);
                }
            }
        }
        return new EnvironmentMapping(Map.copyOf(variables), fromProperties);
    }

    /** The variables to pass to {@code LockService.fromEnvironment}. */
    Map<String, String> variables() {
        return variables;
    }

    /** The properties that overrode a variable, as {@code property (VARIABLE)}; no values. */
    List<String> overrides() {
        List<String> out = new ArrayList<>();
        fromProperties.forEach((variable, property) -> out.add(property + " (" + variable + ")"));
        return out;
    }

    /**
     * The library's message about a bad value, with each variable that a property supplied named
     * as that property, e.g. {@code holdfast.use-new-locks (USE_NEW_LOCKS) must be true, false or
     * dual}; a message naming no variable gets the list of properties that were set.
     */
    String rename(String message) {
        if (ENTRIES.stream().noneMatch(e -> message.contains(e.variable()))) {
            // a backend's own check (such as the shortest Redis lease) names its setting, not a variable
            return fromProperties.isEmpty() ? message
                    : message + " (holdfast properties set: " + String.join(", ", overrides()) + ")";
        }
        String renamed = message;
        for (Map.Entry<String, String> e : fromProperties.entrySet()) {
            renamed = Pattern.compile("\\b" + e.getKey() + "\\b").matcher(renamed)
                    .replaceAll(Matcher.quoteReplacement(e.getValue() + " (" + e.getKey() + ")"));
        }
        return renamed;
    }
}

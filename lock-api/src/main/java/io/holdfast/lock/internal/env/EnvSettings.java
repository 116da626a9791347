package io.holdfast.lock.internal.env;

import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.BackendSummary;
import io.holdfast.lock.spi.LockBackendProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The settings a {@link io.holdfast.lock.LockService} starts from, validated as a whole: lock-api
 * reads {@code USE_NEW_LOCKS} and {@code LOCK_BACKEND}, and each installed backend validates its
 * own variables. An invalid value or a contradictory combination stops start-up, whatever the
 * mode, so that flipping {@code USE_NEW_LOCKS} later never meets a latent mistake. Immutable.
 */
public final class EnvSettings {

    /** {@code false} (default), {@code true} or {@code dual}. */
    public static final String USE_NEW_LOCKS = "USE_NEW_LOCKS";
    /** The name of the new backend: any installed provider's but the legacy one's. */
    public static final String LOCK_BACKEND = "LOCK_BACKEND";
    /** The variables lock-api itself reads; backends add theirs. */
    public static final List<String> OWN_VARIABLES = List.of(USE_NEW_LOCKS, LOCK_BACKEND);
    /**
     * The backend {@code USE_NEW_LOCKS=false} uses and {@code dual} takes first: the host-wide
     * locks of the rollout's starting point, found by name like any other.
     */
    public static final String LEGACY_BACKEND = "file";

    private final Mode mode;
    private final List<LockBackendProvider> backends;
    private final LockBackendProvider newBackend;
    private final BackendConfig config;
    private final List<String> unused;
    private final List<String> warnings;
    private final String summary;

    private EnvSettings(Mode mode, List<LockBackendProvider> backends, LockBackendProvider newBackend,
            BackendConfig config, List<String> unused, List<String> warnings, String summary) {
        this.mode = mode;
        this.backends = List.copyOf(backends);
        this.newBackend = newBackend;
        this.config = config;
        this.unused = List.copyOf(unused);
        this.warnings = List.copyOf(warnings);
        this.summary = summary;
    }

    /** The names of every variable lock-api and the installed backends read. */
    public static Set<String> variables(Backends installed) {
        Set<String> names = new LinkedHashSet<>(OWN_VARIABLES);
        installed.providers().forEach(p -> names.addAll(p.variables()));
        names.addAll(installed.missingVariables().keySet());
        return names;
    }

    /** {@link #parse(Map, Backends)} with the backends of {@link Backends#defaultLoaders()}. */
    public static EnvSettings parse(Map<String, String> env) {
        return parse(env, Backends.installed(Backends.defaultLoaders()));
    }

    /**
     * Reads and validates the settings: lock-api's variables here, each backend's by its
     * provider. Variables that neither lock-api nor an installed backend reads are ignored.
     *
     * @param env the variables (usually {@link System#getenv()})
     * @throws IllegalArgumentException naming the variable, its value (passwords masked) and
     *     what is accepted
     * @throws IllegalStateException if a backend the settings need is not installed
     */
    public static EnvSettings parse(Map<String, String> env, Backends installed) {
        Objects.requireNonNull(env, "env");
        Map<String, String> known = new LinkedHashMap<>();
        for (String name : variables(installed)) {
            if (env.containsKey(name)) {
                known.put(name, env.get(name));
            }
        }
        BackendConfig config = BackendConfig.of(known);
        Mode mode = Variables.get(config, USE_NEW_LOCKS, Mode.ACCEPTED, v -> {
            Mode m = Mode.parse(v);
            if (m == null) {
                throw Variables.invalid(USE_NEW_LOCKS, v, "must be " + Mode.ACCEPTED);
            }
            return m;
        }).orElse(Mode.LEGACY);
        Optional<LockBackendProvider> explicit = Variables.get(config, LOCK_BACKEND,
                newBackendNames(installed), v -> backend(v, installed));
        LockBackendProvider chosen = explicit.orElseGet(() -> selected(config, installed));
        boolean legacyUsed = mode != Mode.NEW;
        Optional<LockBackendProvider> legacy = legacyUsed
                ? Optional.of(installed.get(LEGACY_BACKEND))
                : Optional.ofNullable(installed.all().get(LEGACY_BACKEND));

        Map<LockBackendProvider, BackendSummary> summaries = new LinkedHashMap<>();
        for (LockBackendProvider p : installed.providers()) {
            boolean isLegacy = legacy.isPresent() && legacy.get() == p;
            boolean isChosen = p == chosen || isLegacy && legacyUsed;
            if (isChosen || p.variables().stream().anyMatch(config::isSet)) {
                summaries.put(p, p.validate(config, isChosen));
            }
        }
        if (mode != Mode.LEGACY && chosen == null) {
            for (Map.Entry<String, String> m : installed.missingVariables().entrySet()) {
                if (config.isSet(m.getKey())) {
                    throw new IllegalStateException(m.getKey() + " is set, which chooses the "
                            + m.getValue() + " backend, but " + installed.missing(m.getValue()));
                }
            }
            throw new IllegalArgumentException(USE_NEW_LOCKS + "=" + mode.value() + " needs a new"
                    + " backend, and none is chosen; set " + LOCK_BACKEND + " to one of: "
                    + describe(installed) + ". In-process backends do not coordinate processes or"
                    + " hosts: choose one only on purpose");
        }
        for (LockBackendProvider p : installed.providers()) {
            boolean isLegacy = legacy.isPresent() && legacy.get() == p;
            List<String> set = p.variables().stream().filter(config::isSet).toList();
            if (!isLegacy && p != chosen && !set.isEmpty()) {
                throw onlyFor(p, set, chosen, explicit.isPresent(), config, mode);
            }
        }

        List<LockBackendProvider> backends = new ArrayList<>();
        legacy.filter(l -> legacyUsed).ifPresent(backends::add);
        if (mode != Mode.LEGACY) {
            backends.add(chosen);
        }
        List<String> unused = new ArrayList<>();
        if (mode == Mode.LEGACY) {
            if (config.isSet(LOCK_BACKEND)) {
                unused.add(LOCK_BACKEND);
            }
            installed.missingVariables().keySet().stream().filter(config::isSet).forEach(unused::add);
            if (chosen != null) {
                chosen.variables().stream().filter(config::isSet).forEach(unused::add);
            }
        } else if (mode == Mode.NEW) {
            legacy.ifPresent(l -> l.variables().stream().filter(config::isSet).forEach(unused::add));
        }
        List<String> warnings = new ArrayList<>();
        backends.forEach(b -> warnings.addAll(summaries.get(b).warnings()));
        String summary = summary(mode, backends, chosen, explicit.isEmpty(), config, summaries, unused);
        return new EnvSettings(mode, backends, chosen, config, unused, warnings, summary);
    }

    /** The mode. */
    public Mode mode() {
        return mode;
    }

    /** The providers a service opens, the legacy backend first in {@code dual}. */
    public List<LockBackendProvider> backends() {
        return backends;
    }

    /** The names of {@link #backends()}. */
    public List<String> backendNames() {
        return backends.stream().map(LockBackendProvider::name).toList();
    }

    /** The new backend ({@code LOCK_BACKEND} or chosen by its variables), if any. */
    public Optional<LockBackendProvider> newBackend() {
        return Optional.ofNullable(newBackend);
    }

    /** The settings every provider is given (the variables read, no registry, no options). */
    public BackendConfig config() {
        return config;
    }

    /** Variables that are set but do not apply in this mode. */
    public List<String> unused() {
        return unused;
    }

    /** What to log at WARN when a service starts with these settings. */
    public List<String> warnings() {
        return warnings;
    }

    /** The service's backend description, such as {@code file} or {@code dual(file+local)}. */
    public String backendName() {
        return mode == Mode.DUAL ? "dual(" + String.join("+", backendNames()) + ")"
                : backends.get(0).name();
    }

    /** One line for the start-up log: the mode, backends and settings in use, no password. */
    public String summary() {
        return summary;
    }

    @Override
    public String toString() {
        return "EnvSettings[" + summary + "]";
    }

    private static String summary(Mode mode, List<LockBackendProvider> backends,
            LockBackendProvider chosen, boolean defaulted, BackendConfig config,
            Map<LockBackendProvider, BackendSummary> summaries, List<String> unused) {
        StringBuilder s = new StringBuilder();
        s.append(USE_NEW_LOCKS).append('=').append(mode.value()).append(", backend ")
                .append(mode == Mode.DUAL ? "dual(" + backends.get(0).name() + "+"
                        + backends.get(1).name() + ")" : backends.get(0).name());
        for (LockBackendProvider b : backends) {
            if (b == chosen) {
                s.append(", ").append(LOCK_BACKEND).append('=').append(b.name());
                if (defaulted) {
                    b.selectedBy(config).ifPresent(why -> s.append(" (default: ").append(why).append(')'));
                }
            }
            String settings = summaries.get(b).settings();
            if (!settings.isEmpty()) {
                s.append(", ").append(settings);
            }
        }
        if (!unused.isEmpty()) {
            s.append("; set but not used while ").append(USE_NEW_LOCKS).append('=')
                    .append(mode.value()).append(": ").append(String.join(", ", unused));
        }
        return s.toString();
    }

    /** The provider whose variables choose it, or null; two such are a conflict. */
    private static LockBackendProvider selected(BackendConfig config, Backends installed) {
        List<LockBackendProvider> selected = installed.providers().stream()
                .filter(p -> !p.name().equals(LEGACY_BACKEND))
                .filter(p -> p.selectedBy(config).isPresent()).toList();
        if (selected.size() > 1) {
            throw new IllegalArgumentException("the variables choose more than one backend ("
                    + String.join("; ", selected.stream().map(p -> p.name() + ": "
                            + p.selectedBy(config).orElseThrow()).toList())
                    + "); set " + LOCK_BACKEND + " to the one to use, and unset the others' variables");
        }
        return selected.isEmpty() ? null : selected.get(0);
    }

    private static LockBackendProvider backend(String value, Backends installed) {
        String name = value.trim().toLowerCase(Locale.ROOT);
        if (name.equals(LEGACY_BACKEND)) {
            throw Variables.invalid(LOCK_BACKEND, value, "must name the new backend, one of "
                    + newBackendNames(installed) + " (" + LEGACY_BACKEND + " locks are what "
                    + USE_NEW_LOCKS + "=false uses)");
        }
        if (!installed.has(name)) {
            throw Variables.invalid(LOCK_BACKEND, value, "must be the name of a lock backend on"
                    + " the class path: " + newBackendNames(installed) + " ("
                    + installed.missing(name) + ")");
        }
        return installed.get(name);
    }

    private static String newBackendNames(Backends installed) {
        List<String> names = installed.all().keySet().stream()
                .filter(n -> !n.equals(LEGACY_BACKEND)).toList();
        return names.isEmpty() ? "none installed" : String.join(", ", names);
    }

    private static String describe(Backends installed) {
        List<String> d = installed.providers().stream().filter(p -> !p.name().equals(LEGACY_BACKEND))
                .map(p -> p.name() + " (" + p.description() + ")").toList();
        return d.isEmpty() ? "none, as no backend module is on the class path" : String.join(", ", d);
    }

    private static IllegalArgumentException onlyFor(LockBackendProvider p, List<String> set,
            LockBackendProvider chosen, boolean explicit, BackendConfig config, Mode mode) {
        String names = String.join(", ", set);
        String applies = names + " only appl" + (set.size() == 1 ? "ies" : "y") + " to the "
                + p.name() + " backend";
        if (chosen != null) {
            return new IllegalArgumentException(applies + ", but " + LOCK_BACKEND + "="
                    + chosen.name() + (explicit ? "" : " (default: " + chosen.selectedBy(config)
                            .orElse("chosen by its variables") + ")")
                    + "; set " + LOCK_BACKEND + "=" + p.name() + " to use it, or unset " + names);
        }
        return new IllegalArgumentException(applies + ", which is not chosen (" + USE_NEW_LOCKS
                + "=" + mode.value() + " uses " + LEGACY_BACKEND + " locks; the " + p.name()
                + " backend takes over with " + USE_NEW_LOCKS + "=dual or true); choose it ("
                + p.description() + "), or unset " + names);
    }
}

package io.holdfast.lock;

import io.holdfast.lock.internal.Secrets;
import io.holdfast.lock.internal.env.Backends;
import io.holdfast.lock.internal.env.DualLockManager;
import io.holdfast.lock.internal.env.DualStatusManager;
import io.holdfast.lock.internal.env.EnvSettings;
import io.holdfast.lock.internal.env.ServiceMeters;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.BackendOption;
import io.holdfast.lock.spi.LockBackendProvider;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LockManager} and a {@link StatusManager} chosen by environment variables, so that
 * operators switch backends, and roll a switch out instance by instance, without code changes.
 *
 * <p>lock-api reads two variables; each backend module reads its own (the README lists them all,
 * and each backend's provider documents its own):
 *
 * <table>
 * <caption>Variables</caption>
 * <tr><th>Variable</th><th>Values</th><th>Default</th></tr>
 * <tr><td>{@code USE_NEW_LOCKS}</td><td>{@code false}: the legacy backend, host-wide file locks
 *     and file flags ({@code file}, in {@code lock-local}); {@code true}: the new backend;
 *     {@code dual}: both (the file lock first, then the new backend's; flags in both stores).
 *     Also yes/no, on/off, 1/0, any case.</td><td>{@code false}</td></tr>
 * <tr><td>{@code LOCK_BACKEND}</td><td>the new backend: the name of any backend on the class
 *     path but {@code file} (an unknown name lists the installed ones)</td><td>the backend whose
 *     variables choose it (such as the address of a server); {@code true} and {@code dual}
 *     without one stop start-up</td></tr>
 * </table>
 *
 * <p>Every set variable is validated whatever the mode, by lock-api or by the backend that owns
 * it, and a value that is invalid, empty, or contradicts another (such as a variable of a backend
 * that is not the one chosen) stops start-up with an {@link IllegalArgumentException} naming the
 * variable, the value and what is accepted. There is no silent fallback. Passwords in variables
 * never appear in logs or messages. The chosen backend and settings are logged once at INFO (the
 * backends' warnings at WARN) and, given a {@link MeterRegistry}, exposed as the gauge
 * {@link LockMetricNames#BACKEND_INFO} tagged with the backend and the mode. Every meter of
 * the managers carries the {@code mode} tag too; in {@code dual} each operation is recorded once,
 * by the dual lock (such as {@code backend=dual(file+...)}), and the backends inside it record
 * only their own meters.
 *
 * <p>Rollout: move all instances from {@code false} to {@code dual} one by one, then to
 * {@code true} one by one. At every step any two instances share at least one lock, because a
 * {@code dual} instance takes both. Never run {@code false} and {@code true} instances side by
 * side: they share no lock. In {@code dual}, leases carry the new backend's fencing tokens and
 * raise the file counter to them, so tokens keep increasing from {@code dual} to {@code false}
 * instances; from {@code false} to {@code dual} they increase while the new backend's clock is
 * not behind the host's (both count in microseconds of wall time). With a backend whose tokens
 * are per process (in-process locks), {@code dual} leases carry the file lock's tokens, the only
 * ones the processes of a host share, and such a backend coordinates the threads of one service
 * only: create one service per process and share it. A flag claim holds in both stores.
 * Thread-safe.
 */
public final class LockService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LockService.class);
    /** Open services per info gauge: services with the same tags on one registry share it. */
    private static final Map<Gauge, Integer> GAUGE_USERS = new IdentityHashMap<>();

    private final String backend;
    private final String mode;
    private final String summary;
    private final LockManager locks;
    private final StatusManager status;
    private final MeterRegistry registry;
    private final Gauge info;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LockService(EnvSettings settings, LockManager locks, StatusManager status,
            MeterRegistry registry) {
        this.backend = settings.backendName();
        this.mode = settings.mode().value();
        this.summary = settings.summary();
        this.locks = locks;
        this.status = status;
        this.registry = registry;
        this.info = registry == null ? null : Gauge.builder(LockMetricNames.BACKEND_INFO, () -> 1)
                .description("the lock backend this instance runs (always 1)")
                .tag(LockMetricNames.TAG_BACKEND, backend)
                .tag(LockMetricNames.TAG_MODE, mode)
                .strongReference(true)
                .register(registry);
        if (info != null) {
            synchronized (GAUGE_USERS) {
                GAUGE_USERS.merge(info, 1, Integer::sum);
            }
        }
    }

    /**
     * Creates the service from {@link System#getenv()}, without metrics.
     *
     * @throws IllegalArgumentException if a variable is invalid or contradicts another
     * @throws IllegalStateException if the chosen backend's module is not on the class path
     * @throws LockUnavailableException if the backend cannot be reached
     */
    public static LockService fromEnvironment() {
        return fromEnvironment(System.getenv(), null);
    }

    /**
     * Creates the service from the given variables, without metrics.
     *
     * @throws IllegalArgumentException if a variable is invalid or contradicts another
     * @throws IllegalStateException if the chosen backend's module is not on the class path
     * @throws LockUnavailableException if the backend cannot be reached
     */
    public static LockService fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, null);
    }

    /**
     * Creates the service from the given variables, recording metrics on {@code registry}.
     *
     * @param env the variables, such as {@link System#getenv()}
     * @param registry where the managers record metrics, or null for none
     * @throws IllegalArgumentException if a variable is invalid or contradicts another
     * @throws IllegalStateException if the chosen backend's module is not on the class path
     * @throws LockUnavailableException if the backend cannot be reached
     */
    public static LockService fromEnvironment(Map<String, String> env, MeterRegistry registry) {
        return builder().fromEnvironment(env).meterRegistry(registry).build();
    }

    /**
     * A builder that starts from the environment and takes settings in code, such as
     * <pre>{@code
     * LockService locks = LockService.builder()
     *         .fromEnvironment()                      // USE_NEW_LOCKS, LOCK_BACKEND, ...
     *         .meterRegistry(registry)
     *         .option(backendOption)                  // such as a backend's client settings
     *         .build();
     * }</pre>
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link LockService}: the variables (from the environment, a map, or
     * {@link #set(String, String)} in code; later calls win), a meter registry, and
     * backend-specific {@link BackendOption}s, which the named backend applies after the
     * variables (options for a backend the mode does not use are ignored). Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, String> env = new HashMap<>();
        private final List<BackendOption> options = new ArrayList<>();
        private MeterRegistry registry;
        private Set<String> variables;

        private Builder() {}

        /** Reads the variables from {@link System#getenv()}. */
        public Builder fromEnvironment() {
            return fromEnvironment(System.getenv());
        }

        /** Reads the variables from {@code variables}, such as {@link System#getenv()}. */
        public Builder fromEnvironment(Map<String, String> variables) {
            Objects.requireNonNull(variables, "variables");
            for (String name : variables()) {
                String value = variables.get(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
            return this;
        }

        /**
         * Sets one variable in code, validated like the environment's: for example
         * {@code set("USE_NEW_LOCKS", "dual")}.
         *
         * @throws IllegalArgumentException if {@code name} is not one of the variables
         */
        public Builder set(String name, String value) {
            Objects.requireNonNull(value, "value");
            if (!variables().contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a variable of holdfast or"
                        + " of a lock backend on the class path; use one of "
                        + String.join(", ", variables()));
            }
            env.put(name, value);
            return this;
        }

        /** lock-api's variables and those of every backend on the class path. */
        private Set<String> variables() {
            if (variables == null) {
                variables = EnvSettings.variables(Backends.installed(Backends.defaultLoaders()));
            }
            return variables;
        }

        /** Records metrics on {@code meterRegistry} (null: none, the default). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.registry = meterRegistry;
            return this;
        }

        /**
         * Adds a backend-specific option (a backend module documents its own, such as a client
         * or timeouts made in code).
         */
        public Builder option(BackendOption option) {
            options.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        /**
         * Creates the service.
         *
         * @throws IllegalArgumentException if a variable is invalid or contradicts another
         * @throws IllegalStateException if the chosen backend's module is not on the class path,
         *     or its start-up checks fail
         * @throws LockUnavailableException if the backend cannot be reached
         */
        public LockService build() {
            return create(Map.copyOf(env), registry, List.copyOf(options));
        }
    }

    private static LockService create(Map<String, String> env, MeterRegistry registry,
            List<BackendOption> backendOptions) {
        EnvSettings settings = EnvSettings.parse(env, Backends.installed(Backends.defaultLoaders()));
        List<LockBackendProvider> providers = settings.backends();
        settings.warnings().forEach(LOG::warn);
        boolean dual = providers.size() > 1;
        String mode = settings.mode().value();
        BackendConfig config = settings.config().withOptions(backendOptions).withMeterRegistry(dual
                ? ServiceMeters.backendOnly(registry, mode) : ServiceMeters.tagged(registry, mode));
        Set<String> secrets = config.variables().values().stream()
                .flatMap(v -> Secrets.passwords(v).stream()).collect(Collectors.toSet());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            List<LockManager> locks = new ArrayList<>();
            List<StatusManager> status = new ArrayList<>();
            for (LockBackendProvider p : providers) {
                LockManager lockManager = create(p, "lock manager", () -> p.createLocks(config), secrets, opened);
                locks.add(lockManager);
                status.add(create(p, "status manager", () -> p.createStatus(config, lockManager), secrets,
                        opened));
            }
            LockService service = !dual
                    ? new LockService(settings, locks.get(0), status.get(0), registry)
                    : new LockService(settings,
                            dual(settings, locks, ServiceMeters.tagged(registry, mode)),
                            DualStatusManager.of(status.get(0), status.get(1)), registry);
            LOG.info("holdfast locks: {}", settings.summary());
            return service;
        } catch (RuntimeException | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw e;
        }
    }

    /**
     * The {@code dual} lock: leases carry the new backend's tokens and raise the file counter to
     * them, except with a backend whose tokens are per process (such as {@code local}) and would
     * repeat across the processes of the host: there they carry the file lock's tokens.
     */
    private static DualLockManager dual(EnvSettings settings, List<LockManager> locks,
            MeterRegistry registry) {
        return settings.newBackend().orElseThrow().tokensSharedAcrossProcesses()
                ? DualLockManager.of(locks.get(0), locks.get(1), registry)
                : DualLockManager.withTokensOfFirst(locks.get(0), locks.get(1), registry);
    }

    /** The lock manager. Its lifecycle belongs to this service: close the service, not it. */
    public LockManager locks() {
        return locks;
    }

    /** The status manager. Its lifecycle belongs to this service: close the service, not it. */
    public StatusManager status() {
        return status;
    }

    /** The backend in use: its name, such as {@code file}, or {@code dual(file+<new backend>)}. */
    public String backend() {
        return backend;
    }

    /** The {@code USE_NEW_LOCKS} mode in canonical form: {@code false}, {@code dual} or {@code true}. */
    public String mode() {
        return mode;
    }

    /**
     * Closes the managers this service created and removes its gauge (once no other open service
     * shares it). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            locks.close();
        } finally {
            try {
                status.close();
            } finally {
                if (info != null) {
                    synchronized (GAUGE_USERS) {
                        if (GAUGE_USERS.merge(info, -1, Integer::sum) == 0) {
                            GAUGE_USERS.remove(info);
                            registry.remove(info);
                        }
                    }
                }
            }
        }
    }

    /** The mode, backend and settings, without passwords. */
    @Override
    public String toString() {
        return "LockService[" + summary + "]";
    }

    /** Calls a provider, keeping passwords out of any exception it throws. */
    private static <T extends AutoCloseable> T create(LockBackendProvider p, String what,
            Supplier<T> factory, Set<String> secrets, List<AutoCloseable> opened) {
        T created;
        try {
            created = factory.get();
        } catch (RuntimeException e) {
            if (!reveals(e, secrets)) {
                throw e;
            }
            String message = "lock backend '" + p.name() + "' could not create its " + what + ": "
                    + e.getClass().getName() + ": " + Secrets.scrub(e.getMessage(), secrets)
                    + " (cause omitted because it contained a password)";
            throw e instanceof IllegalArgumentException ? new IllegalArgumentException(message)
                    : e instanceof LockUnavailableException ? new LockUnavailableException(message)
                    : new IllegalStateException(message);
        }
        opened.add(Objects.requireNonNull(created, () -> p.getClass().getName() + " returned no " + what));
        return created;
    }

    private static boolean reveals(Throwable e, Set<String> secrets) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (Secrets.reveals(t.getMessage(), secrets) || Secrets.reveals(t.toString(), secrets)) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (reveals(s, secrets)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}

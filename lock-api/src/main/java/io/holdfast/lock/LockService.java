package io.holdfast.lock;

import io.holdfast.lock.internal.Secrets;
import io.holdfast.lock.internal.env.Backends;
import io.holdfast.lock.internal.env.DualLockManager;
import io.holdfast.lock.internal.env.DualStatusManager;
import io.holdfast.lock.internal.env.EnvSettings;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.LockBackendProvider;
import io.holdfast.lock.spi.RedisEndpoint;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A {@link LockManager} and a {@link StatusManager} chosen by environment variables, so that
 * operators switch backends, and roll a switch out instance by instance, without code changes.
 *
 * <table>
 * <caption>Variables</caption>
 * <tr><th>Variable</th><th>Values</th><th>Default</th></tr>
 * <tr><td>{@code USE_NEW_LOCKS}</td><td>{@code false}: host-wide file locks and file flags
 *     ({@code lock-local}); {@code true}: the new backend; {@code dual}: both (the file lock
 *     first, then the new backend's; flags in both stores). Also yes/no, on/off, 1/0, any
 *     case.</td><td>{@code false}</td></tr>
 * <tr><td>{@code LOCK_BACKEND}</td><td>the new backend: {@code redis} ({@code lock-redis}) or
 *     {@code local} (in-process, does not coordinate processes)</td><td>{@code redis} when
 *     {@code REDIS_URL} is set; {@code true} and {@code dual} without {@code REDIS_URL} stop
 *     start-up unless {@code LOCK_BACKEND=local} is set</td></tr>
 * <tr><td>{@code REDIS_URL}</td><td>{@code redis://[user:password@]host[:port][/db]},
 *     {@code rediss://...}, {@code redis-sentinel://[password@]host[:port][,...]#master}
 *     ({@code rediss-sentinel://} with TLS), or
 *     comma-separated Cluster seeds {@code redis://h1:7000,redis://h2:7000}</td><td>none</td></tr>
 * <tr><td>{@code LOCK_DIR}</td><td>directory of lock and flag files: owned by the user running
 *     the process and writable by no one else (created with mode 700 if missing)</td>
 *     <td>{@code /var/lib/holdfast} when it exists, else {@code holdfast-locks} under
 *     {@code java.io.tmpdir} (with a warning)</td></tr>
 * <tr><td>{@code LOCK_NAMESPACE}</td><td>Redis key namespace: 1 to 64 of letters, digits,
 *     {@code . _ : -}</td><td>the Redis backend's</td></tr>
 * <tr><td>{@code LOCK_LEASE}</td><td>Redis lease: {@code 500ms}, {@code 30s}, {@code 2m} or
 *     ISO-8601 {@code PT30S}</td><td>the Redis backend's</td></tr>
 * <tr><td>{@code LOCK_REPLICA_ACKS}</td><td>replicas that must acknowledge a grant, 0 to
 *     100</td><td>the Redis backend's</td></tr>
 * <tr><td>{@code LOCK_REPLICA_TIMEOUT}</td><td>how long to wait for them (a duration; needs
 *     {@code LOCK_REPLICA_ACKS} of 1 or more)</td><td>the Redis backend's</td></tr>
 * </table>
 *
 * <p>Every set variable is validated whatever the mode, and a value that is invalid, empty, or
 * contradicts another (such as {@code LOCK_BACKEND=redis} without {@code REDIS_URL}, or a Redis
 * setting with the {@code local} backend) stops start-up with an {@link IllegalArgumentException}
 * naming the variable, the value and what is accepted. There is no silent fallback. Passwords in
 * {@code REDIS_URL} never appear in logs or messages. The chosen backend and settings are logged
 * once at INFO (a lock directory under the temp directory, which services with a private one do
 * not share, at WARN) and, given a {@link MeterRegistry}, exposed as the gauge
 * {@link LockMetricNames#BACKEND_INFO} tagged with the backend and the mode.
 *
 * <p>Rollout: move all instances from {@code false} to {@code dual} one by one, then to
 * {@code true} one by one. At every step any two instances share at least one lock, because a
 * {@code dual} instance takes both. Never run {@code false} and {@code true} instances side by
 * side: they share no lock. In {@code dual}, leases carry the new backend's fencing tokens and
 * raise the file counter to them, so tokens keep increasing from {@code dual} to {@code false}
 * instances; from {@code false} to {@code dual} they increase while the Redis server's clock is
 * not behind the host's (both count in microseconds of wall time). With the {@code local}
 * backend, whose tokens are per process, {@code dual} leases carry the file lock's tokens, the
 * only ones the processes of a host share. A flag claim holds in both stores. The {@code local} backend coordinates the threads of one
 * service only: create one service per process and share it. Thread-safe.
 */
public final class LockService implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LockService.class.getName());
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
        EnvSettings settings = EnvSettings.parse(env);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = LockService.class.getClassLoader();
        ClassLoader[] loaders = context == null || context == own
                ? new ClassLoader[] {own} : new ClassLoader[] {context, own};
        List<LockBackendProvider> providers = new ArrayList<>();
        for (String name : settings.backends()) {
            providers.add(Backends.find(name, loaders));
        }
        settings.warnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
        BackendConfig config = settings.config().withMeterRegistry(registry);
        Set<String> secrets = config.redis().map(RedisEndpoint::secrets).orElse(Set.of());
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
            LockService service = locks.size() == 1
                    ? new LockService(settings, locks.get(0), status.get(0), registry)
                    : new LockService(settings, dual(settings, locks, registry),
                            DualStatusManager.of(status.get(0), status.get(1)), registry);
            LOG.log(System.Logger.Level.INFO, "holdfast locks: " + settings.summary());
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
     * them, except with the {@code local} backend, whose tokens are per process and would repeat
     * across the processes of the host: there they carry the file lock's tokens.
     */
    private static DualLockManager dual(EnvSettings settings, List<LockManager> locks,
            MeterRegistry registry) {
        return settings.newBackend().equals(EnvSettings.LOCAL)
                ? DualLockManager.withTokensOfFirst(locks.get(0), locks.get(1), registry)
                : DualLockManager.of(locks.get(0), locks.get(1), registry);
    }

    /** The lock manager. Its lifecycle belongs to this service: close the service, not it. */
    public LockManager locks() {
        return locks;
    }

    /** The status manager. Its lifecycle belongs to this service: close the service, not it. */
    public StatusManager status() {
        return status;
    }

    /** The backend in use: {@code file}, {@code local}, {@code redis} or {@code dual(file+redis)}. */
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

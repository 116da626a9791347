package io.holdfast.lock.internal.env;

import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.Secrets;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.RedisEndpoint;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The lock settings read from environment variables, validated as a whole: an invalid value or a
 * contradictory combination stops start-up, whatever the mode, so that flipping
 * {@code USE_NEW_LOCKS} later never meets a latent mistake.
 *
 * @param mode the {@code USE_NEW_LOCKS} mode
 * @param newBackend the backend {@code true} and {@code dual} use: {@code redis} or {@code local}
 * @param newBackendDefaulted true when {@code LOCK_BACKEND} was not set
 * @param config the backend settings
 * @param unused variables that are set but do not apply in this mode
 * @param warnings what to log at WARN when a service starts with these settings
 */
public record EnvSettings(Mode mode, String newBackend, boolean newBackendDefaulted,
        BackendConfig config, List<String> unused, List<String> warnings) {

    /** {@code false} (default), {@code true} or {@code dual}. */
    public static final String USE_NEW_LOCKS = "USE_NEW_LOCKS";
    /** {@code redis} or {@code local}. */
    public static final String LOCK_BACKEND = "LOCK_BACKEND";
    /** The Redis URL or Cluster seeds. */
    public static final String REDIS_URL = "REDIS_URL";
    /** The directory of file locks and flags. */
    public static final String LOCK_DIR = "LOCK_DIR";
    /** The Redis key namespace. */
    public static final String LOCK_NAMESPACE = "LOCK_NAMESPACE";
    /** The Redis lease. */
    public static final String LOCK_LEASE = "LOCK_LEASE";
    /** Replicas that must acknowledge a grant. */
    public static final String LOCK_REPLICA_ACKS = "LOCK_REPLICA_ACKS";
    /** How long to wait for replica acknowledgements. */
    public static final String LOCK_REPLICA_TIMEOUT = "LOCK_REPLICA_TIMEOUT";

    /** Every variable this class reads. */
    public static final List<String> VARIABLES = List.of(USE_NEW_LOCKS, LOCK_BACKEND, REDIS_URL,
            LOCK_DIR, LOCK_NAMESPACE, LOCK_LEASE, LOCK_REPLICA_ACKS, LOCK_REPLICA_TIMEOUT);

    /** The backend names {@code LOCK_BACKEND} accepts. */
    public static final String REDIS = "redis";
    /** The in-process backend. */
    public static final String LOCAL = "local";
    /** The host-wide file backend, used by {@code false} and {@code dual}. */
    public static final String FILE = "file";

    /** The largest {@code LOCK_REPLICA_ACKS} accepted. */
    static final int MAX_REPLICA_ACKS = 100;
    /**
     * The shortest {@code LOCK_LEASE}: the redis backend's minimum ({@code RedisLockSettings.MIN_LEASE}),
     * checked here so that the error names the variable.
     */
    static final Duration MIN_LEASE = Duration.ofMillis(100);

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final Pattern ACKS = Pattern.compile("\\d{1,3}");
    private static final String DURATION = "duration such as 500ms, 30s, 2m or ISO-8601 PT30S";
    private static final List<String> REDIS_ONLY =
            List.of(LOCK_NAMESPACE, LOCK_LEASE, LOCK_REPLICA_ACKS, LOCK_REPLICA_TIMEOUT);

    /** Checks the components. */
    public EnvSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(newBackend, "newBackend");
        Objects.requireNonNull(config, "config");
        unused = List.copyOf(unused);
        warnings = List.copyOf(warnings);
    }

    /**
     * The lock directory when {@code LOCK_DIR} is not set: {@code /var/lib/holdfast} when that
     * directory exists, else {@code holdfast-locks} under {@code java.io.tmpdir} (with a warning:
     * services with a private temp directory do not share it).
     */
    public static Path defaultLockDir() {
        return LockDirs.defaultDir(Path.of(LockDirs.HOST), Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * Reads and validates the settings.
     *
     * @param env the variables (usually {@link System#getenv()})
     * @throws IllegalArgumentException naming the variable, its value (passwords masked) and
     *     what is accepted
     */
    public static EnvSettings parse(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Mode mode = get(env, USE_NEW_LOCKS, Mode.ACCEPTED, v -> {
            Mode m = Mode.parse(v);
            if (m == null) {
                throw invalid(USE_NEW_LOCKS, v, "must be " + Mode.ACCEPTED);
            }
            return m;
        }).orElse(Mode.LEGACY);
        Optional<String> backend = get(env, LOCK_BACKEND, "redis or local", EnvSettings::backend);
        Optional<RedisEndpoint> redis = get(env, REDIS_URL, RedisUrls.ACCEPTED,
                v -> RedisEndpoint.parse(REDIS_URL, v));
        Optional<Path> lockDir = get(env, LOCK_DIR, "a directory path", EnvSettings::lockDir);
        Optional<String> namespace = get(env, LOCK_NAMESPACE, namespaceRule(), v -> {
            if (!NAMESPACE.matcher(v.trim()).matches()) {
                throw invalid(LOCK_NAMESPACE, v, "must be " + namespaceRule());
            }
            return v.trim();
        });
        Optional<Duration> lease = get(env, LOCK_LEASE, "a " + DURATION,
                v -> duration(LOCK_LEASE, v, MIN_LEASE));
        Optional<Integer> acks = get(env, LOCK_REPLICA_ACKS, acksRule(), v -> {
            String t = v.trim();
            if (!ACKS.matcher(t).matches() || Integer.parseInt(t) > MAX_REPLICA_ACKS) {
                throw invalid(LOCK_REPLICA_ACKS, v, "must be " + acksRule());
            }
            return Integer.parseInt(t);
        });
        Optional<Duration> ackTimeout = get(env, LOCK_REPLICA_TIMEOUT, "a " + DURATION,
                v -> duration(LOCK_REPLICA_TIMEOUT, v, Duration.ofMillis(1)));

        if (ackTimeout.isPresent() && acks.orElse(0) == 0) {
            throw new IllegalArgumentException(LOCK_REPLICA_TIMEOUT + " is set, but "
                    + LOCK_REPLICA_ACKS + " is " + acks.map(String::valueOf).orElse("not set")
                    + ": the timeout only applies when waiting for at least one replica; set "
                    + LOCK_REPLICA_ACKS + " to 1 or more, or unset " + LOCK_REPLICA_TIMEOUT);
        }
        if (mode != Mode.LEGACY && backend.isEmpty() && redis.isEmpty()) {
            throw new IllegalArgumentException(USE_NEW_LOCKS + "=" + mode.value() + " needs "
                    + REDIS_URL + ", which is not set: without it the new backend would be in-process"
                    + " locks, which do not coordinate processes or hosts. Set " + REDIS_URL
                    + " (such as redis://host:6379), or set " + LOCK_BACKEND + "=local to use"
                    + " in-process locks on purpose");
        }
        String chosen = backend.orElse(redis.isPresent() ? REDIS : LOCAL);
        if (chosen.equals(REDIS) && redis.isEmpty()) {
            throw new IllegalArgumentException(LOCK_BACKEND + "=redis needs " + REDIS_URL
                    + ", which is not set; set it to " + RedisUrls.ACCEPTED);
        }
        if (chosen.equals(LOCAL)) {
            rejectRedisOnly(env, redis.isPresent(), backend.isPresent());
        }
        Path dir = lockDir.orElseGet(EnvSettings::defaultLockDir);
        BackendConfig config = new BackendConfig(dir,
                redis, namespace, lease,
                acks.map(OptionalInt::of).orElseGet(OptionalInt::empty), ackTimeout,
                Optional.empty());
        List<String> unused = new ArrayList<>();
        if (mode == Mode.LEGACY) {
            for (String v : List.of(LOCK_BACKEND, REDIS_URL, LOCK_NAMESPACE, LOCK_LEASE,
                    LOCK_REPLICA_ACKS, LOCK_REPLICA_TIMEOUT)) {
                if (env.containsKey(v)) {
                    unused.add(v);
                }
            }
        } else if (mode == Mode.NEW && env.containsKey(LOCK_DIR)) {
            unused.add(LOCK_DIR);
        }
        List<String> warnings = new ArrayList<>();
        if (mode != Mode.NEW) {
            LockDirs.warning(dir, lockDir.isEmpty()).ifPresent(warnings::add);
        }
        return new EnvSettings(mode, chosen, backend.isEmpty(), config, unused, warnings);
    }

    /**
     * Rejects Redis settings when the new backend is {@code local}: set explicitly, or (only
     * possible while {@code USE_NEW_LOCKS=false}) because {@code REDIS_URL} is not set.
     */
    private static void rejectRedisOnly(Map<String, String> env, boolean redisUrl, boolean explicit) {
        List<String> redisSettings = new ArrayList<>();
        if (redisUrl) {
            redisSettings.add(REDIS_URL);
        }
        REDIS_ONLY.stream().filter(env::containsKey).forEach(redisSettings::add);
        if (redisSettings.isEmpty()) {
            return;
        }
        String names = String.join(", ", redisSettings);
        String applies = names + " only appl" + (redisSettings.size() == 1 ? "ies" : "y")
                + " to the redis backend";
        throw new IllegalArgumentException(explicit
                ? applies + ", but " + LOCK_BACKEND + "=local; set " + LOCK_BACKEND + "=redis with a "
                        + REDIS_URL + ", or unset " + names
                : applies + ", which needs " + REDIS_URL + ", and " + REDIS_URL + " is not set ("
                        + USE_NEW_LOCKS + "=false uses file locks; the redis backend takes over with "
                        + USE_NEW_LOCKS + "=dual or true); set " + REDIS_URL + ", or unset " + names);
    }

    /** The backend names a service opens, the file backend first in {@code dual}. */
    public List<String> backends() {
        switch (mode) {
            case LEGACY: return List.of(FILE);
            case NEW: return List.of(newBackend);
            default: return List.of(FILE, newBackend);
        }
    }

    /** The service's backend description: {@code file}, {@code redis}, {@code dual(file+redis)}. */
    public String backendName() {
        return mode == Mode.DUAL ? "dual(" + FILE + "+" + newBackend + ")" : backends().get(0);
    }

    /** One line for the start-up log: the mode, backend and settings in use, no password. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(USE_NEW_LOCKS).append('=').append(mode.value())
                .append(", backend ").append(backendName());
        if (backends().contains(FILE)) {
            s.append(", ").append(LOCK_DIR).append('=').append(config.lockDir());
        }
        if (backends().contains(REDIS)) {
            s.append(", ").append(LOCK_BACKEND).append("=redis")
                    .append(newBackendDefaulted ? " (default: REDIS_URL is set)" : "");
            config.redis().ifPresent(r -> s.append(", ").append(REDIS_URL).append('=').append(r));
            config.namespace().ifPresent(n -> s.append(", ").append(LOCK_NAMESPACE).append('=').append(n));
            config.lease().ifPresent(l -> s.append(", ").append(LOCK_LEASE).append('=')
                    .append(Durations.format(l)));
            config.replicaAcks().ifPresent(a -> s.append(", ").append(LOCK_REPLICA_ACKS).append('=').append(a));
            config.replicaTimeout().ifPresent(t -> s.append(", ").append(LOCK_REPLICA_TIMEOUT)
                    .append('=').append(Durations.format(t)));
        } else if (backends().contains(LOCAL)) {
            s.append(", ").append(LOCK_BACKEND).append("=local")
                    .append(" (in-process: does not coordinate processes)");
        }
        if (!unused.isEmpty()) {
            s.append("; set but not used while ").append(USE_NEW_LOCKS).append('=')
                    .append(mode.value()).append(": ").append(String.join(", ", unused));
        }
        return s.toString();
    }

    private static <T> Optional<T> get(Map<String, String> env, String name, String accepted,
            Function<String, T> parser) {
        String value = env.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is set but empty; unset it or set it to "
                    + accepted);
        }
        return Optional.of(parser.apply(value));
    }

    private static String backend(String v) {
        String b = v.trim().toLowerCase(Locale.ROOT);
        if (b.equals(REDIS) || b.equals(LOCAL)) {
            return b;
        }
        throw invalid(LOCK_BACKEND, v, "must be redis or local"
                + (b.equals(FILE) ? " (file locks are what " + USE_NEW_LOCKS + "=false uses)" : ""));
    }

    private static Path lockDir(String v) {
        Path dir;
        try {
            dir = Path.of(v.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw invalid(LOCK_DIR, v, "must be a valid directory path (" + e.getReason() + ")");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw invalid(LOCK_DIR, v, "must be a directory or not exist yet, but it is a file");
        }
        return dir;
    }

    private static Duration duration(String name, String v, Duration min) {
        Duration d;
        try {
            d = Durations.parse(name, v);
        } catch (IllegalArgumentException e) {
            throw invalid(name, v, "must be a positive " + DURATION);
        }
        if (d.compareTo(min) < 0) {
            throw invalid(name, v, d.isNegative() || d.isZero() ? "must be a positive " + DURATION
                    : "must be at least " + Durations.format(min));
        }
        return d;
    }

    private static String namespaceRule() {
        return "1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";
    }

    private static String acksRule() {
        return "a whole number from 0 to " + MAX_REPLICA_ACKS;
    }

    /** The one message shape: variable, masked value, what is accepted. */
    static IllegalArgumentException invalid(String name, String value, String accepted) {
        return new IllegalArgumentException(name + " " + accepted + ", but was '"
                + Secrets.maskUrl(value) + "'");
    }
}

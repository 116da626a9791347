package io.holdfast.lock.internal.env;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.internal.Secrets;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.BackendSummary;
import io.holdfast.lock.spi.LockBackendProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only providers named {@code file}, {@code local} and {@code remote}, found by
 * {@link java.util.ServiceLoader} through src/test/resources: each owns its variables like a real
 * backend ({@code LOCK_DIR}; none; {@code REMOTE_URL}, which chooses it, and {@code REMOTE_LEASE}).
 * No {@code redis} provider exists in lock-api's tests, which lets the "missing module" error be
 * tested. Stores are per lock directory, like real files.
 */
public final class TestProviders {

    static final Map<String, MemoryLockManager.Store> LOCKS = new ConcurrentHashMap<>();
    static final Map<String, Map<String, FlagInfo>> FLAGS = new ConcurrentHashMap<>();
    /** Every manager created, for assertions on closing. */
    static final List<AutoCloseable> CREATED = Collections.synchronizedList(new ArrayList<>());
    /** Last config each provider saw. */
    static final Map<String, BackendConfig> CONFIGS = new ConcurrentHashMap<>();
    /** How many instances of each provider class were created. */
    static final Map<Class<?>, AtomicInteger> INSTANCES = new ConcurrentHashMap<>();

    private TestProviders() {}

    abstract static class Base implements LockBackendProvider {
        Base() {
            INSTANCES.computeIfAbsent(getClass(), c -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public LockManager createLocks(BackendConfig config) {
            CONFIGS.put(name(), config);
            if (dir(config).endsWith("explode")) {
                throw new IllegalStateException("cannot reach " + config.variable(Remote.URL).orElse("?"));
            }
            MemoryLockManager m = new MemoryLockManager(name(),
                    LOCKS.computeIfAbsent(key(config), k -> new MemoryLockManager.Store()), e -> { },
                    config.meterRegistry().orElse(null));
            CREATED.add(m);
            return m;
        }

        @Override
        public StatusManager createStatus(BackendConfig config) {
            MemoryStatusManager m = new MemoryStatusManager(name(),
                    FLAGS.computeIfAbsent(key(config), k -> MemoryStatusManager.newStore()));
            CREATED.add(m);
            return m;
        }

        String key(BackendConfig config) {
            return name() + ":" + dir(config);
        }

        static String dir(BackendConfig config) {
            return config.variable(File.DIR).orElse("default");
        }
    }

    /** Stands in for lock-local's file backend: warns about a directory under the temp directory. */
    public static final class File extends Base {
        static final String DIR = "LOCK_DIR";

        @Override
        public String name() {
            return "file";
        }

        @Override
        public List<String> variables() {
            return List.of(DIR);
        }

        @Override
        public BackendSummary validate(BackendConfig config, boolean chosen) {
            String dir = dir(config);
            boolean temp = Path.of(dir).toAbsolutePath().startsWith(
                    Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
            return new BackendSummary(DIR + "=" + dir, chosen && temp
                    ? List.of(DIR + "=" + dir + " is under the temp directory: other services do not share these locks")
                    : List.of());
        }
    }

    /** A backend chosen by its variable {@code REMOTE_URL}, like a server-backed one. */
    public static final class Remote extends Base {
        static final String URL = "REMOTE_URL";
        static final String LEASE = "REMOTE_LEASE";

        @Override
        public String name() {
            return "remote";
        }

        @Override
        public String description() {
            return "chosen by default when " + URL + " is set";
        }

        @Override
        public List<String> variables() {
            return List.of(URL, LEASE);
        }

        @Override
        public Optional<String> selectedBy(BackendConfig config) {
            return config.isSet(URL) ? Optional.of(URL + " is set") : Optional.empty();
        }

        @Override
        public BackendSummary validate(BackendConfig config, boolean chosen) {
            Optional<String> url = Variables.get(config, URL, "a URL", v -> {
                if (!v.startsWith("tcp://")) {
                    throw Variables.invalid(URL, v, "must start with tcp://");
                }
                return v;
            });
            Variables.get(config, LEASE, "a duration", v -> Variables.duration(LEASE, v, java.time.Duration.ofMillis(100)));
            if (chosen && url.isEmpty()) {
                throw new IllegalArgumentException("the remote backend needs " + URL + ", which is not set");
            }
            return BackendSummary.of(url.map(u -> URL + "=" + Secrets.maskUrl(u)).orElse(""));
        }
    }

    /** Stands in for lock-local's in-process backend: one store per provider use. */
    public static final class Local extends Base {
        @Override
        public String name() {
            return "local";
        }

        @Override
        public String description() {
            return "in-process locks, which do not coordinate processes or hosts";
        }

        @Override
        public BackendSummary validate(BackendConfig config, boolean chosen) {
            return BackendSummary.of("in-process: does not coordinate processes");
        }

        @Override
        public boolean tokensSharedAcrossProcesses() {
            return false;
        }

        @Override
        String key(BackendConfig config) {
            return "local:" + System.identityHashCode(config);
        }
    }

    /** A provider whose constructor fails, for {@code BackendsTest}. */
    public static final class Broken extends Base {
        /** Fails. */
        public Broken() {
            throw new IllegalStateException("no redis client library");
        }

        @Override
        public String name() {
            return "redis";
        }
    }

    /** A second provider named {@code file}, listed only by {@code BackendsTest}'s class loader. */
    public static final class FileTwin extends Base {
        @Override
        public String name() {
            return "file";
        }
    }
}

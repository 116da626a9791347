package io.holdfast.lock.internal.env;

import io.holdfast.lock.FlagInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.LockBackendProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only providers named {@code file} and {@code local}, found by {@link java.util.ServiceLoader}
 * through src/test/resources. No {@code redis} provider exists in lock-api's tests, which lets
 * the "missing module" error be tested. Stores are per lock directory, like real files.
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
            if (config.lockDir().endsWith("explode")) {
                throw new IllegalStateException("cannot reach " + config.redis().map(r -> r.uris().get(0)).orElse("?"));
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
            return name() + ":" + config.lockDir();
        }
    }

    /** Stands in for lock-local's file backend. */
    public static final class File extends Base {
        @Override
        public String name() {
            return "file";
        }
    }

    /** Stands in for lock-local's in-process backend: one store per provider use. */
    public static final class Local extends Base {
        @Override
        public String name() {
            return "local";
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

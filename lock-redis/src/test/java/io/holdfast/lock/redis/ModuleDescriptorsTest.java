package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.LockService;
import io.holdfast.lock.local.LocalLockManager;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module descriptors of lock-api, lock-local and lock-redis, checked for real: the tests run
 * on the class path (surefire's {@code useModulePath=false}), so this test resolves the three
 * built modules and their dependencies in a {@link ModuleLayer} of their own, then asks it what
 * a module-path application would get: only the API and SPI packages exported to everyone,
 * {@code internal} packages to holdfast's modules only, and the backends through
 * {@link ServiceLoader} from their {@code provides}.
 */
class ModuleDescriptorsTest {

    private static final String API = "io.holdfast.lock";
    private static final String LOCAL = "io.holdfast.lock.local";
    private static final String REDIS = "io.holdfast.lock.redis";

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static ModuleLayer layer() throws Exception {
        ModuleFinder finder = ModuleFinder.of(location(LockService.class), location(LocalLockManager.class),
                location(RedisLockManager.class), location(MeterRegistry.class), location(org.slf4j.Logger.class),
                location(RedisURI.class));
        Configuration cf = ModuleLayer.boot().configuration()
                .resolveAndBind(finder, ModuleFinder.of(), Set.of(LOCAL, REDIS));
        return ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    }

    private static Set<String> exportedToAll(ModuleLayer layer, String module) {
        return layer.findModule(module).orElseThrow().getDescriptor().exports().stream()
                .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void onlyApiAndSpiPackages_areExportedToEveryone() throws Exception {
        ModuleLayer layer = layer();
        assertThat(exportedToAll(layer, API)).containsExactly("io.holdfast.lock", "io.holdfast.lock.spi");
        assertThat(exportedToAll(layer, LOCAL)).containsExactly("io.holdfast.lock.local");
        assertThat(exportedToAll(layer, REDIS)).containsExactly("io.holdfast.lock.redis");
        Module api = layer.findModule(API).orElseThrow();
        Module local = layer.findModule(LOCAL).orElseThrow();
        assertThat(api.isExported("io.holdfast.lock.internal")).isFalse();
        assertThat(api.isExported("io.holdfast.lock.internal", local)).isTrue();
        assertThat(local.isExported("io.holdfast.lock.local.internal")).isFalse();
        assertThat(layer.findModule(REDIS).orElseThrow().isExported("io.holdfast.lock.redis.internal")).isFalse();
    }

    @Test
    void backends_areFoundThroughTheirProvides() throws Exception {
        ModuleLayer layer = layer();
        ClassLoader loader = layer.findLoader(API);
        Class<?> spi = loader.loadClass("io.holdfast.lock.spi.LockBackendProvider");
        Method name = spi.getMethod("name");
        Set<String> names = new TreeSet<>();
        for (Object p : ServiceLoader.load(layer, spi)) {
            names.add((String) name.invoke(p));
        }
        assertThat(names).containsExactly("file", "local", "redis");
    }

    @Test
    void lockService_startsInTheModuleLayer_withTheFileAndLocalBackends(@TempDir Path dir) throws Exception {
        ModuleLayer layer = layer();
        ClassLoader loader = layer.findLoader(API);
        Class<?> service = loader.loadClass("io.holdfast.lock.LockService");
        Method fromEnvironment = service.getMethod("fromEnvironment", Map.class);
        Method backend = service.getMethod("backend");
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            for (Map<String, String> env : List.of(
                    Map.of("USE_NEW_LOCKS", "dual", "LOCK_BACKEND", "local", "LOCK_DIR", dir.toString()),
                    Map.of("USE_NEW_LOCKS", "false", "LOCK_DIR", dir.toString()))) {
                Object s = fromEnvironment.invoke(null, env);
                try (AutoCloseable closeable = (AutoCloseable) s) {
                    assertThat(backend.invoke(s)).isIn("dual(file+local)", "file");
                }
            }
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}

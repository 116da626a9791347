package io.holdfast.lock.local.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockService;
import io.holdfast.lock.local.FileLockManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LockService} with lock-local's real backends. */
@SuppressWarnings("try") // leases held for a block need no reference
class LockServiceLocalTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void defaults_useHostWideFileLocksAndFileFlags_inLockDir() throws Exception {
        try (LockService s = LockService.fromEnvironment(Map.of("LOCK_DIR", dir.toString()))) {
            assertThat(s.backend()).isEqualTo("file");
            assertThat(s.mode()).isEqualTo("false");
            assertThat(s.locks()).isInstanceOf(FileLockManager.class);
            try (Lease l = s.locks().acquire("inverter_read", PATIENCE)) {
                assertThat(((FileLockManager) s.locks()).lockFile("inverter_read")).exists().startsWith(dir);
                assertThat(s.locks().inspect("inverter_read")).isPresent();
            }
            assertThat(s.status().setIfAbsent("charge-running", PATIENCE)).isTrue();
            try (LockService other = LockService.fromEnvironment(Map.of("LOCK_DIR", dir.toString()))) {
                assertThat(other.status().isSet("charge-running")).isTrue();
                assertThat(other.status().setIfAbsent("charge-running", PATIENCE)).isFalse();
            }
            assertThat(s.status().clear("charge-running")).isTrue();
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".lock"));
            }
        }
    }

    @Test
    void defaultLockDir_isTheDocumentedDefault() {
        try (LockService s = LockService.fromEnvironment(Map.of())) {
            try (Lease l = s.locks().tryAcquire("default-dir-probe").orElseThrow()) {
                // /var/lib/holdfast where it exists, else holdfast-locks under the temp dir
                assertThat(((FileLockManager) s.locks()).lockFile("default-dir-probe"))
                        .startsWith(LockDirs.defaultDir());
            }
        }
    }

    @Test
    void useNewLocks_true_withExplicitLocal_isInProcessLocal() throws Exception {
        try (LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "TRUE", "LOCK_BACKEND", "local"))) {
            assertThat(s.backend()).isEqualTo("local");
            assertThat(s.locks().backend()).isEqualTo("local");
            assertThat(s.status().backend()).isEqualTo("local");
            try (Lease l = s.locks().acquire("r", PATIENCE)) {
                assertThat(CompletableFuture.supplyAsync(() -> s.locks().tryAcquire("r").isPresent())
                        .get(20, TimeUnit.SECONDS)).isFalse();
            }
        }
    }

    @Test
    void dual_takesTheSameFileLockAsLegacyInstances() throws Exception {
        Map<String, String> legacyEnv = Map.of("USE_NEW_LOCKS", "off", "LOCK_DIR", dir.toString());
        Map<String, String> dualEnv = Map.of("USE_NEW_LOCKS", "dual", "LOCK_BACKEND", "local", "LOCK_DIR", dir.toString());
        try (LockService legacy = LockService.fromEnvironment(legacyEnv);
                LockService dual = LockService.fromEnvironment(dualEnv)) {
            assertThat(dual.backend()).isEqualTo("dual(file+local)");
            try (Lease l = dual.locks().acquire("r", PATIENCE)) {
                assertThat(elsewhere(() -> legacy.locks().tryAcquire("r").isPresent())).isFalse();
                assertThat(legacy.locks().inspect("r")).isPresent();
            }
            try (Lease l = legacy.locks().acquire("r", PATIENCE)) {
                assertThat(elsewhere(() -> dual.locks().tryAcquire("r").isPresent())).isFalse();
                assertThat(dual.locks().inspect("r")).isPresent();
            }
            assertThat(elsewhere(() -> dual.locks().tryAcquire("r").map(Lease::release).orElse(false))).isTrue();

            assertThat(legacy.status().setIfAbsent("charge-running", PATIENCE)).isTrue();
            assertThat(dual.status().isSet("charge-running")).isTrue();
            assertThat(dual.status().setIfAbsent("charge-running", PATIENCE)).isFalse();
            assertThat(legacy.status().clear("charge-running")).isTrue();
            assertThat(dual.status().setIfAbsent("charge-running", PATIENCE)).isTrue();
            assertThat(legacy.status().setIfAbsent("charge-running", PATIENCE)).isFalse();
        }
    }

    @Test
    void redis_withoutLockRedis_namesTheMissingArtifact() {
        assertThatThrownBy(() -> LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "true",
                "REDIS_URL", "redis://app:Sup3rS3cret@127.0.0.1:1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.holdfast:lock-redis")
                .hasMessageNotContaining("Sup3rS3cret");
    }

    private static <T> T elsewhere(java.util.function.Supplier<T> task) throws Exception {
        return CompletableFuture.supplyAsync(task).get(20, TimeUnit.SECONDS);
    }
}

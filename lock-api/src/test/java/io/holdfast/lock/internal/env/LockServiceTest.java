package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.LockService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LockService} over the test providers (file and local stand-ins; no redis). */
@SuppressWarnings("try") // leases held for a block need no reference
class LockServiceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Map<String, String> env(String... kv) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("LOCK_DIR", dir.toString());
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void defaults_areLegacyFileLocksAndFlags() throws Exception {
        try (LockService s = LockService.fromEnvironment(env())) {
            assertThat(s.backend()).isEqualTo("file");
            assertThat(s.mode()).isEqualTo("false");
            assertThat(s.locks().backend()).isEqualTo("file");
            assertThat(s.status().backend()).isEqualTo("file");
            assertThat(TestProviders.CONFIGS.get("file").variable("LOCK_DIR")).hasValue(dir.toString());
            try (Lease l = s.locks().acquire("r", PATIENCE)) {
                assertThat(l.isHeld()).isTrue();
            }
        }
    }

    @Test
    void fromEnvironment_withoutArguments_readsTheProcessEnvironment() {
        // surefire's environment has no lock variables unless a developer set them
        if (System.getenv().keySet().stream().noneMatch(k -> k.startsWith("LOCK_") || k.equals("USE_NEW_LOCKS")
                || k.equals("REDIS_URL"))) {
            try (LockService s = LockService.fromEnvironment()) {
                assertThat(s.backend()).isEqualTo("file");
            }
        }
    }

    @Test
    void true_usesTheNewBackendOnly() {
        try (LockService s = LockService.fromEnvironment(env("USE_NEW_LOCKS", "yes", "LOCK_BACKEND", "local"))) {
            assertThat(s.backend()).isEqualTo("local");
            assertThat(s.mode()).isEqualTo("true");
            assertThat(s.locks().backend()).isEqualTo("local");
            assertThat(s.status().backend()).isEqualTo("local");
        }
    }

    @Test
    void dual_composesFileAndNewBackend_andExcludesLegacyInstances() throws Exception {
        try (LockService dual = LockService.fromEnvironment(env("USE_NEW_LOCKS", "dual", "LOCK_BACKEND", "local"));
                LockService legacy = LockService.fromEnvironment(env())) {
            assertThat(dual.backend()).isEqualTo("dual(file+local)");
            assertThat(dual.locks().backend()).isEqualTo("dual(file+local)");
            assertThat(dual.status().backend()).isEqualTo("dual(file+local)");
            try (Lease l = dual.locks().acquire("r", PATIENCE)) {
                assertThat(CompletableFuture.supplyAsync(() -> legacy.locks().tryAcquire("r").isPresent())
                        .get(20, TimeUnit.SECONDS)).isFalse();
            }
            assertThat(dual.status().setIfAbsent("charge-running", PATIENCE)).isTrue();
            assertThat(legacy.status().setIfAbsent("charge-running", PATIENCE)).isFalse();
        }
    }

    @Test
    void redis_withoutLockRedis_namesTheMissingArtifact() {
        int before = TestProviders.CREATED.size();
        assertThatThrownBy(() -> LockService.fromEnvironment(env("USE_NEW_LOCKS", "dual",
                "LOCK_BACKEND", "redis", "REMOTE_LEASE", "5s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LOCK_BACKEND must be the name of a lock backend on the class path: local, remote")
                .hasMessageContaining("lock backend 'redis' is not on the class path; add the dependency io.holdfast:lock-redis")
                .hasMessageContaining("backends found: file, local, remote");
        assertThat(TestProviders.CREATED).hasSize(before);
    }

    @Test
    void invalidEnvironment_stopsStartUp_beforeCreatingAnything() {
        int before = TestProviders.CREATED.size();
        assertThatThrownBy(() -> LockService.fromEnvironment(env("USE_NEW_LOCKS", "sometimes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USE_NEW_LOCKS must be true, false or dual");
        assertThat(TestProviders.CREATED).hasSize(before);
    }

    @Test
    void newBackend_withoutOneChosen_stopsStartUp_beforeCreatingAnything() {
        int before = TestProviders.CREATED.size();
        for (String mode : List.of("true", "dual")) {
            assertThatThrownBy(() -> LockService.fromEnvironment(env("USE_NEW_LOCKS", mode)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("USE_NEW_LOCKS=" + mode + " needs a new backend, and none is chosen;"
                            + " set LOCK_BACKEND to one of: local (in-process locks, which do not coordinate"
                            + " processes or hosts), remote (chosen by default when REMOTE_URL is set)");
        }
        assertThat(TestProviders.CREATED).hasSize(before);
    }

    @Test
    void backendFailure_isReportedWithoutThePassword_andClosesWhatWasCreated() {
        Map<String, String> env = env("REMOTE_URL", "tcp://u:Sup3rS3cret@h:6379");
        env.put("LOCK_DIR", dir.resolve("explode").toString());
        assertThatThrownBy(() -> LockService.fromEnvironment(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lock backend 'file' could not create its lock manager")
                .hasMessageContaining("cannot reach tcp://u:****@h:6379")
                .hasMessageNotContaining("Sup3rS3cret")
                .hasNoCause();
    }

    @Test
    void backendInfoGauge_isTaggedWithBackendAndMode_andRemovedOnClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int before = TestProviders.CREATED.size();
        LockService s = LockService.fromEnvironment(env("USE_NEW_LOCKS", "dual", "LOCK_BACKEND", "local"), registry);
        assertThat(registry.get(LockMetricNames.BACKEND_INFO)
                .tag(LockMetricNames.TAG_BACKEND, "dual(file+local)")
                .tag(LockMetricNames.TAG_MODE, "dual").gauge().value()).isEqualTo(1.0);
        assertThat(TestProviders.CONFIGS.get("local").meterRegistry()).isPresent();
        List<AutoCloseable> created = List.copyOf(TestProviders.CREATED.subList(before, TestProviders.CREATED.size()));
        s.close();
        s.close();
        assertThat(registry.find(LockMetricNames.BACKEND_INFO).gauge()).isNull();
        assertThat(created).hasSize(4).allSatisfy(m -> assertThat(m).satisfiesAnyOf(
                x -> assertThat(x).isInstanceOfSatisfying(MemoryLockManager.class, l -> assertThat(l.mem.closedBackend).isTrue()),
                x -> assertThat(x).isInstanceOfSatisfying(MemoryStatusManager.class, st -> assertThat(st.closed).isTrue())));
    }

    @Test
    void dualMode_recordsEachOperationOnce_taggedWithTheMode() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LockService s = LockService.fromEnvironment(env("USE_NEW_LOCKS", "dual", "LOCK_BACKEND", "local"), registry)) {
            s.locks().acquire("metered", java.time.Duration.ofSeconds(5)).release();
            assertThat(registry.find(LockMetricNames.ACQUIRE).timers())
                    .as("one acquire timer per result, none per inner backend")
                    .allSatisfy(t -> assertThat(t.getId().getTag(LockMetricNames.TAG_BACKEND)).isEqualTo("dual(file+local)"))
                    .allSatisfy(t -> assertThat(t.getId().getTag(LockMetricNames.TAG_MODE)).isEqualTo("dual"));
            assertThat(registry.find(LockMetricNames.ACQUIRE).timers().stream().mapToLong(t -> t.count()).sum()).isEqualTo(1);
            assertThat(registry.find(LockMetricNames.HOLD).timers().stream().mapToLong(t -> t.count()).sum()).isEqualTo(1);
            assertThat(registry.find(LockMetricNames.ACTIVE).gauges()).hasSize(1);
        }
    }

    @Test
    void singleBackend_metersCarryTheMode_andNoRedisOnlyMeters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LockService s = LockService.fromEnvironment(env(), registry)) {
            s.locks().acquire("metered", java.time.Duration.ofSeconds(5)).release();
            assertThat(registry.get(LockMetricNames.ACQUIRE).tag(LockMetricNames.TAG_BACKEND, "file")
                    .tag(LockMetricNames.TAG_MODE, "false").tag(LockMetricNames.TAG_RESULT, LockMetricNames.RESULT_ACQUIRED)
                    .timer().count()).isEqualTo(1);
            for (String redisOnly : List.of(LockMetricNames.RENEWALS, LockMetricNames.NOTIFICATIONS, LockMetricNames.RETRIES)) {
                assertThat(registry.find(redisOnly).meters()).as(redisOnly).isEmpty();
            }
        }
    }

    /** A backend-specific option, as a backend module would define one. */
    record TestOption(String backend) implements io.holdfast.lock.spi.BackendOption {}

    @Test
    void builder_takesVariablesInCode_overTheEnvironment_reachingDual_andHandsOptionsToProviders() {
        TestOption forFile = new TestOption("file");
        try (LockService s = LockService.builder().fromEnvironment(env("USE_NEW_LOCKS", "false"))
                .set("USE_NEW_LOCKS", "dual").set("LOCK_BACKEND", "local")
                .option(forFile).build()) {
            assertThat(s.backend()).isEqualTo("dual(file+local)");
            assertThat(s.mode()).isEqualTo("dual");
            assertThat(TestProviders.CONFIGS.get("file").options()).containsExactly(forFile);
            assertThat(TestProviders.CONFIGS.get("file").options(TestOption.class)).containsExactly(forFile);
        }
    }

    @Test
    void builder_validatesVariablesSetInCode_likeTheEnvironment() {
        assertThatThrownBy(() -> LockService.builder().set("USE_NEW_LOKS", "true"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'USE_NEW_LOKS' is not a variable of holdfast or of a lock backend on the class path")
                .hasMessageContaining("USE_NEW_LOCKS, LOCK_BACKEND, LOCK_DIR, REMOTE_URL, REMOTE_LEASE");
        assertThatThrownBy(() -> LockService.builder().fromEnvironment(env()).set("USE_NEW_LOCKS", "maybe").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("USE_NEW_LOCKS");
        // fromEnvironment(Map) reads only holdfast's variables
        try (LockService s = LockService.builder().fromEnvironment(env("PATH", "/bin")).build()) {
            assertThat(s.backend()).isEqualTo("file");
        }
    }

    @Test
    void backendInfoGauge_sharedByTwoServices_staysUntilBothClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LockService first = LockService.fromEnvironment(env(), registry);
        LockService second = LockService.fromEnvironment(env(), registry);
        first.close();
        assertThat(registry.get(LockMetricNames.BACKEND_INFO).tag(LockMetricNames.TAG_BACKEND, "file")
                .gauge().value()).isEqualTo(1.0);
        second.close();
        assertThat(registry.find(LockMetricNames.BACKEND_INFO).gauge()).isNull();
    }

    @Test
    void toString_showsSettingsWithoutPasswords() {
        try (LockService s = LockService.fromEnvironment(env("REMOTE_URL", "tcp://u:Sup3rS3cret@h:6379"))) {
            assertThat(s.toString()).startsWith("LockService[USE_NEW_LOCKS=false, backend file, LOCK_DIR=" + dir)
                    .contains("set but not used while USE_NEW_LOCKS=false: REMOTE_URL")
                    .doesNotContain("Sup3rS3cret");
        }
    }
}

package io.holdfast.lock.redis.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.LockService;
import io.holdfast.lock.internal.env.EnvSettings;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.RedisOptions;
import io.holdfast.lock.redis.WaitStrategy;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link LockService} on a real password-protected Redis, alone and in {@code dual} mode. */
@SuppressWarnings("try") // leases and services held for a block need no reference
class LockServiceRedisIT {

    private static final String PASSWORD = "Sup3rS3cret-pw";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone().password(PASSWORD).build());

    @TempDir
    Path dir;

    private Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", redis.uri(), "LOCK_DIR", dir.toString()));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void true_withRedisUrl_isRedis_withTheSettingsFromTheEnvironment() throws Exception {
        try (LockService s = LockService.fromEnvironment(env("USE_NEW_LOCKS", "true",
                "LOCK_NAMESPACE", "it-app", "LOCK_LEASE", "5s"))) {
            assertThat(s.backend()).isEqualTo("redis");
            assertThat(s.status().backend()).isEqualTo("redis");
            RedisLockSettings settings = ((RedisLockManager) s.locks()).settings();
            assertThat(settings.namespace()).isEqualTo("it-app");
            assertThat(settings.lease()).isEqualTo(Duration.ofSeconds(5));
            assertThat(settings.minReplicaAcks()).isZero();
            assertThat(s.toString()).contains("REDIS_URL=redis://****@127.0.0.1").doesNotContain(PASSWORD);
            long first;
            try (Lease l = s.locks().acquire("inverter_read", PATIENCE)) {
                first = l.fencingToken();
            }
            try (Lease l = s.locks().acquire("inverter_read", PATIENCE)) {
                assertThat(l.fencingToken()).isGreaterThan(first);
            }
            assertThat(s.status().setIfAbsent("charge-running", PATIENCE)).isTrue();
            assertThat(s.status().setIfAbsent("charge-running", PATIENCE)).isFalse();
            assertThat(s.status().clear("charge-running")).isTrue();
        }
    }

    @Test
    void aRedisService_hasOneClientWithAtMostTwoConnections_andOneOwnerIdForLocksAndFlags() throws Exception {
        RedisLockSettings otherInstance = RedisLockSettings.builder().uri(redis.uri()).namespace("root").build();
        try (RedisLockManager other = RedisLockManager.create(otherInstance)) {
            Lease held = other.acquire("pump", PATIENCE);
            int before = connectedClients();
            try (LockService s = LockService.fromEnvironment(env("USE_NEW_LOCKS", "true", "LOCK_NAMESPACE", "root"))) {
                try (Lease mine = s.locks().acquire("valve", PATIENCE)) {
                    s.status().set("charge-running", PATIENCE);
                    String lockOwner = redis.primary().cli("GET", "root:{valve}:lock");
                    String flagOwner = redis.primary().cli("GET", "root:flag:{charge-running}");
                    String ownerId = lockOwner.substring(0, lockOwner.indexOf(':'));
                    assertThat(flagOwner).as("the flag's value names the lock manager's owner id")
                            .startsWith(ownerId + "|");
                }
                // queued behind another instance, the service has subscribed to its grant channel:
                // every connection it needs is open now
                CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
                    try (Lease l = s.locks().acquire("pump", PATIENCE)) {
                        return l.fencingToken();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                await().atMost(PATIENCE).until(() -> redis.primary().cli("ZCARD", "root:{pump}:queue").equals("1")
                        && !redis.primary().cli("PUBSUB", "CHANNELS").isBlank());
                assertThat(connectedClients() - before)
                        .as("connections of one Redis LockService (commands, pub/sub)").isEqualTo(2);
                held.release();
                assertThat(waiter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
            }
            assertThat(connectedClients()).as("connections after close").isEqualTo(before);
        }
    }

    @Test
    void aSharedStatusManager_outlivesItsLockManager_andTheLastCloseClosesTheConnections() {
        int before = connectedClients();
        RedisLockManager locks = RedisLockManager.create(RedisLockSettings.of(redis.uri()));
        RedisStatusManager flags = RedisStatusManager.create(locks);
        // the lock manager opens its commands and (asynchronously, at start) pub/sub connections
        await().atMost(PATIENCE).until(() -> connectedClients() - before >= 2);
        assertThat(connectedClients() - before).as("the status manager opened no connection").isEqualTo(2);
        locks.close();
        flags.set("after-locks-closed", PATIENCE);
        assertThat(flags.isSet("after-locks-closed")).isTrue();
        flags.close();
        assertThat(connectedClients()).as("connections after both closed").isEqualTo(before);
        assertThatThrownBy(() -> RedisStatusManager.create(locks)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    /** Clients connected now, not counting the redis-cli that asks. */
    private static int connectedClients() {
        return (int) redis.primary().cli("CLIENT", "LIST").lines().filter(l -> !l.contains("cmd=client")).count();
    }

    @Test
    void replicaSettings_reachTheRedisSettings() {
        RedisLockSettings settings = RedisBackendProvider.settings(EnvSettings.parse(env("USE_NEW_LOCKS", "true",
                "LOCK_REPLICA_ACKS", "2", "LOCK_REPLICA_TIMEOUT", "75ms")).config());
        assertThat(settings.minReplicaAcks()).isEqualTo(2);
        assertThat(settings.replicaAckTimeout()).isEqualTo(Duration.ofMillis(75));
        assertThat(RedisBackendProvider.settings(EnvSettings.parse(env("USE_NEW_LOCKS", "true",
                "LOCK_REPLICA_ACKS", "1")).config()).replicaAckTimeout())
                .isEqualTo(RedisLockSettings.DEFAULT_REPLICA_ACK_TIMEOUT);
    }

    @Test
    void builder_appliesRedisOptions_afterTheEnvironment_inTrueAndDual() throws Exception {
        ClientResources resources = DefaultClientResources.create();
        try {
            for (String mode : List.of("true", "dual")) {
                try (LockService s = LockService.builder().fromEnvironment(env("LOCK_LEASE", "20s"))
                        .set("USE_NEW_LOCKS", mode)
                        .option(RedisOptions.customize(b -> b.waitStrategy(WaitStrategy.POLL)
                                .timeout(Duration.ofSeconds(2)).clientResources(resources)))
                        .build()) {
                    try (Lease l = s.locks().acquire("built", PATIENCE)) {
                        assertThat(l.isHeld()).isTrue();
                    }
                    if (mode.equals("true")) {
                        RedisLockSettings settings = ((RedisLockManager) s.locks()).settings();
                        assertThat(settings.lease()).isEqualTo(Duration.ofSeconds(20));
                        assertThat(settings.waitStrategy()).isEqualTo(WaitStrategy.POLL);
                        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(2));
                        assertThat(settings.clientResources()).containsSame(resources);
                    } else {
                        assertThat(s.backend()).isEqualTo("dual(file+redis)");
                    }
                }
            }
        } finally {
            resources.shutdown();
        }
    }

    @Test
    void replicaAcks_beyondTheReplicasConnected_stopStartUp_namingTheVariable() {
        // this server has no replica: every grant would be undone, every acquire time out
        assertThatThrownBy(() -> LockService.fromEnvironment(env("USE_NEW_LOCKS", "true", "LOCK_REPLICA_ACKS", "1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replica acks 1 (LOCK_REPLICA_ACKS)")
                .hasMessageContaining("0 replica(s) connected");
    }

    @Test
    void leaseBelowTheRedisMinimum_stopsStartUp() {
        assertThatThrownBy(() -> LockService.fromEnvironment(env("USE_NEW_LOCKS", "true", "LOCK_LEASE", "20ms")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LOCK_LEASE must be at least 100ms, but was '20ms'");
    }

    @Test
    void wrongPassword_failsWithoutShowingEitherPassword() {
        String wrong = "Wr0ngPassw0rd";
        String url = redis.uri().replace(PASSWORD, wrong);
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
                LockService.fromEnvironment(env("USE_NEW_LOCKS", "true", "REDIS_URL", url)));
        assertThat(failure).isNotNull();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong).doesNotContain(PASSWORD);
        }
    }

    @Test
    void dual_takesTheFileLockThenRedis_tokensFromRedis() throws Exception {
        try (LockService dual = LockService.fromEnvironment(env("USE_NEW_LOCKS", "dual"));
                LockService legacy = LockService.fromEnvironment(env("USE_NEW_LOCKS", "false"));
                LockService upgraded = LockService.fromEnvironment(env("USE_NEW_LOCKS", "true"))) {
            assertThat(dual.backend()).isEqualTo("dual(file+redis)");
            long before;
            try (Lease l = upgraded.locks().acquire("r", PATIENCE)) {
                before = l.fencingToken();
            }
            try (Lease l = dual.locks().acquire("r", PATIENCE)) {
                assertThat(l.fencingToken()).isGreaterThan(before);
                assertThat(elsewhere(() -> legacy.locks().tryAcquire("r").isPresent())).isFalse();
                assertThat(elsewhere(() -> upgraded.locks().tryAcquire("r").isPresent())).isFalse();
                assertThat(dual.locks().inspect("r")).hasValueSatisfying(
                        i -> assertThat(i.fencingToken()).isEqualTo(l.fencingToken()));
                before = l.fencingToken();
            }
            try (Lease l = upgraded.locks().acquire("r", PATIENCE)) {
                assertThat(l.fencingToken()).isGreaterThan(before);
                assertThat(elsewhere(() -> dual.locks().tryAcquire("r").isPresent())).isFalse();
            }
            try (Lease l = legacy.locks().acquire("r", PATIENCE)) {
                assertThat(elsewhere(() -> dual.locks().tryAcquire("r").isPresent())).isFalse();
            }

            assertThat(dual.status().setIfAbsent("charge-running", PATIENCE)).isTrue();
            assertThat(legacy.status().setIfAbsent("charge-running", PATIENCE)).isFalse();
            assertThat(upgraded.status().setIfAbsent("charge-running", PATIENCE)).isFalse();
            assertThat(dual.status().clear("charge-running")).isTrue();
            assertThat(upgraded.status().setIfAbsent("charge-running", PATIENCE)).isTrue();
            assertThat(dual.status().isSet("charge-running")).isTrue();
            assertThat(dual.status().setIfAbsent("charge-running", PATIENCE)).isFalse();
            assertThat(legacy.status().isSet("charge-running")).as("the refused claim was rolled back").isFalse();
        }
    }

    @Test
    void backendInfoGauge_namesTheDualBackend() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LockService s = LockService.fromEnvironment(env("USE_NEW_LOCKS", "dual"), registry)) {
            assertThat(registry.get(LockMetricNames.BACKEND_INFO)
                    .tag(LockMetricNames.TAG_BACKEND, "dual(file+redis)")
                    .tag(LockMetricNames.TAG_MODE, "dual").gauge().value()).isEqualTo(1.0);
        }
    }

    @Test
    void dualMode_recordsEachAcquireOnce_withTheModeTag_andRedisOnlyMetersOnlyForRedis() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LockService s = LockService.fromEnvironment(env("USE_NEW_LOCKS", "dual"), registry)) {
            s.locks().acquire("metered", java.time.Duration.ofSeconds(5)).release();
            assertThat(registry.find(LockMetricNames.ACQUIRE).timers().stream().mapToLong(t -> t.count()).sum())
                    .as("one acquire, recorded once (not per backend)").isEqualTo(1);
            assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag(LockMetricNames.TAG_MODE))
                    .as(m.getId().toString()).isEqualTo("dual"));
            assertThat(registry.getMeters()).filteredOn(m -> !"dual(file+redis)".equals(m.getId().getTag(LockMetricNames.TAG_BACKEND)))
                    .allSatisfy(m -> {
                        assertThat(m.getId().getTag(LockMetricNames.TAG_BACKEND)).as(m.getId().toString()).isEqualTo("redis");
                        assertThat(m.getId().getName()).isIn(LockMetricNames.RENEWALS, LockMetricNames.NOTIFICATIONS,
                                LockMetricNames.RETRIES);
                    });
        }
    }

    private static <T> T elsewhere(Supplier<T> task) throws Exception {
        return CompletableFuture.supplyAsync(task).get(20, TimeUnit.SECONDS);
    }
}

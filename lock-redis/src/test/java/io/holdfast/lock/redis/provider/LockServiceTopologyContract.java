package io.holdfast.lock.redis.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockService;
import io.holdfast.lock.redis.internal.RedisUrls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code LockService.fromEnvironment} on one Redis topology, with {@code true} and {@code dual}. */
abstract class LockServiceTopologyContract {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** The {@code REDIS_URL} of the running topology. */
    abstract String redisUrl();

    /** The topology {@code REDIS_URL} must be read as. */
    abstract RedisUrls.Topology topology();

    @Test
    void redisUrl_isReadAsThisTopology() {
        assertThat(RedisUrls.parse("REDIS_URL", redisUrl()).topology()).isEqualTo(topology());
    }

    @Test
    void true_locksAndFlagsOnThisTopology() throws Exception {
        try (LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redisUrl()))) {
            assertThat(s.backend()).isEqualTo("redis");
            long token;
            try (Lease l = s.locks().acquire("topology-lock", PATIENCE)) {
                token = l.fencingToken();
                assertThat(CompletableFuture.supplyAsync(() -> s.locks().tryAcquire("topology-lock").isPresent())
                        .get(20, TimeUnit.SECONDS)).isFalse();
            }
            try (Lease l = s.locks().acquire("topology-lock", PATIENCE)) {
                assertThat(l.fencingToken()).isGreaterThan(token);
            }
            assertThat(s.status().setIfAbsent("topology-flag", PATIENCE)).isTrue();
            assertThat(s.status().isSet("topology-flag")).isTrue();
            assertThat(s.status().clear("topology-flag")).isTrue();
        }
    }

    @Test
    void dual_composesTheFileLockWithThisTopology() throws Exception {
        try (LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "dual", "REDIS_URL", redisUrl(),
                "LOCK_DIR", dir.toString()))) {
            assertThat(s.backend()).isEqualTo("dual(file+redis)");
            try (Lease l = s.locks().acquire("topology-dual", PATIENCE)) {
                assertThat(l.isHeld()).isTrue();
                assertThat(s.locks().inspect("topology-dual")).isPresent();
            }
            assertThat(s.status().setIfAbsent("topology-dual-flag", PATIENCE)).isTrue();
            assertThat(s.status().clear("topology-dual-flag")).isTrue();
        }
    }
}

package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pins a lock-redis defect found by {@link RestartWithoutPersistenceIT}: the fencing counter lives
 * only in Redis ({@code INCR} on a key without a TTL), so a Redis that restarts without its data
 * (no RDB/AOF, or a replica promoted before it got the latest increments) starts the counter again
 * at 1. Tokens then repeat: a fenced resource that saw token 5 before the restart accepts the new
 * owner's token 5 and cannot tell it from the old owner's late write, and refuses every new owner
 * until the counter catches up. {@link io.holdfast.lock.LockManager} promises tokens strictly
 * greater than every earlier grant's. A fix: take {@code max(INCR, server time in microseconds)} in
 * the acquire script (Redis 7 replicates script effects, so {@code TIME} is allowed), which keeps
 * tokens increasing across data loss unless the server clock steps back.
 */
class FencingTokenRestartIT {

    @RegisterExtension
    RedisExtension redis = RedisExtension.standalone();

    @Test
    void fencingToken_afterRestartWithoutData_staysAboveEarlierTokens() throws Exception {
        long before;
        RedisLockSettings settings = RedisLockSettings.builder().uri(redis.uri()).lease(Duration.ofSeconds(1))
                .timeout(Duration.ofSeconds(2)).build();
        try (RedisLockManager manager = RedisLockManager.create(settings)) {
            for (int i = 0; i < 5; i++) {
                manager.acquire("token-restart", Duration.ofSeconds(5)).release();
            }
            try (Lease lease = manager.acquire("token-restart", Duration.ofSeconds(5))) {
                before = lease.fencingToken();
            }
        }
        redis.primary().kill();
        Thread.sleep(1_500); // longer than the lease: no lease of before the restart is still valid
        redis.primary().restartWithoutData();
        try (RedisLockManager manager = RedisLockManager.create(settings);
                Lease lease = manager.acquire("token-restart", Duration.ofSeconds(5))) {
            System.out.println("RELIABILITY scenario=token-after-restart token_before=" + before + " token_after="
                    + lease.fencingToken());
            assertThat(lease.fencingToken()).as("token after Redis lost its data").isGreaterThan(before);
        }
    }
}

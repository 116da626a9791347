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
 * Regression test for a defect {@link RestartWithoutPersistenceIT} found: the fencing counter
 * lived only in Redis ({@code INCR} on a key without a TTL), so a Redis that restarted without its
 * data (or a replica promoted before it got the latest increments) started it again at 1. Tokens
 * then repeated: a fenced resource that saw token 5 before the restart accepted the new owner's
 * token 5 and could not tell it from the old owner's late write. lock-redis now takes
 * {@code max(previous + 1, server time in microseconds)}.
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

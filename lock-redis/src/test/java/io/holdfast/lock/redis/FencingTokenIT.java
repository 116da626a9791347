package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fencing tokens are max(previous + 1, server time in microseconds): they follow the server clock,
 * keep increasing when the counter is lost or stale (data loss, a lagging replica promoted), and
 * still increase by one when the stored token is ahead of the clock (a clock that stepped back).
 */
class FencingTokenIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private final String namespace = "ft-" + UUID.randomUUID().toString().substring(0, 8);

    /** Tokens a Redis grant takes, its own included. */
    private static final long BLOCK = 1 + RedisLockSettings.MAX_LOCAL_HANDOFFS;

    private RedisLockManager manager() {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).namespace(namespace)
                .build());
    }

    private static long serverMicros(RawRedis raw) {
        List<String> time = raw.sync().time();
        return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
    }

    @Test
    void tokens_followTheServerClock_andIncreaseStrictly() throws Exception {
        try (RedisLockManager m = manager(); RawRedis raw = new RawRedis(redis.uri())) {
            long before = serverMicros(raw);
            long previous = 0;
            for (int i = 0; i < 200; i++) {
                try (Lease lease = m.acquire("clock", Duration.ofSeconds(5))) {
                    assertThat(lease.fencingToken()).isGreaterThan(previous);
                    previous = lease.fencingToken();
                }
            }
            long after = serverMicros(raw);
            assertThat(previous).isBetween(before, after + 200 * BLOCK);
            // stored exactly, not in exponent notation: the last token the grant reserved
            assertThat(raw.sync().get(namespace + ":{clock}:fence")).isEqualTo(Long.toString(previous + BLOCK - 1));
        }
    }

    @Test
    void lostOrStaleCounter_stillGivesGreaterTokens() throws Exception {
        try (RedisLockManager m = manager(); RawRedis raw = new RawRedis(redis.uri())) {
            long first;
            try (Lease lease = m.acquire("lost", Duration.ofSeconds(5))) {
                first = lease.fencingToken();
            }
            raw.sync().del(namespace + ":{lost}:fence"); // restart without persistence
            long second;
            try (Lease lease = m.acquire("lost", Duration.ofSeconds(5))) {
                second = lease.fencingToken();
            }
            assertThat(second).isGreaterThan(first);
            raw.sync().set(namespace + ":{lost}:fence", "6"); // a stale replica's (or pre-0.1) counter
            try (Lease lease = m.acquire("lost", Duration.ofSeconds(5))) {
                assertThat(lease.fencingToken()).isGreaterThan(second);
            }
        }
    }

    @Test
    void counterAheadOfTheClock_increasesByOne() throws Exception {
        try (RedisLockManager m = manager(); RawRedis raw = new RawRedis(redis.uri())) {
            long ahead = serverMicros(raw) + 3_600_000_000L; // as if the clock had stepped back an hour
            raw.sync().set(namespace + ":{ahead}:fence", Long.toString(ahead));
            try (Lease lease = m.acquire("ahead", Duration.ofSeconds(5))) {
                assertThat(lease.fencingToken()).isEqualTo(ahead + 1);
            }
            try (Lease lease = m.acquire("ahead", Duration.ofSeconds(5))) {
                assertThat(lease.fencingToken()).isEqualTo(ahead + 1 + BLOCK);
            }
            assertThat(raw.sync().get(namespace + ":{ahead}:fence")).isEqualTo(Long.toString(ahead + 2 * BLOCK));
        }
    }

    @Test
    void aGrant_reservesTokensForLocalHandoffs_whateverTheSetting_andTheNextGrantComesAfterThem()
            throws Exception {
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                        .namespace(namespace).localHandoffs(0).build());
                RawRedis raw = new RawRedis(redis.uri())) {
            long ahead = serverMicros(raw) + 3_600_000_000L;
            raw.sync().set(namespace + ":{reserve}:fence", Long.toString(ahead));
            try (Lease lease = m.acquire("reserve", Duration.ofSeconds(5))) {
                assertThat(lease.fencingToken()).isEqualTo(ahead + 1);
                assertThat(raw.sync().get(namespace + ":{reserve}:fence")).isEqualTo(Long.toString(ahead + 33));
            }
            try (Lease lease = m.acquire("reserve", Duration.ofSeconds(5))) {
                assertThat(lease.fencingToken()).isEqualTo(ahead + 34);
            }
        }
    }
}

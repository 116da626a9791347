package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server that dies or restarts under a holder; each test gets its own server. */
class ServerLossIT {

    @RegisterExtension
    RedisExtension redis = RedisExtension.standalone();

    private RedisLockManager manager(Duration lease) {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).lease(lease)
                .timeout(Duration.ofMillis(500)).retry(3, Duration.ofMillis(20), Duration.ofMillis(100)).build());
    }

    @Test
    void serverKilled_holderLearnsItsLeaseIsLost_andAcquireFailsNamingTheEndpoint() throws Exception {
        try (RedisLockManager m = manager(Duration.ofMillis(900))) {
            Lease lease = m.acquire("doomed", Duration.ofSeconds(5));
            AtomicInteger listener = new AtomicInteger();
            lease.onLost(listener::incrementAndGet);
            redis.primary().kill();
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.get() == 1);
            assertThat(lease.isHeld()).isFalse();

            long start = System.nanoTime();
            assertThatThrownBy(() -> m.acquire("other", Duration.ofSeconds(1)))
                    .isInstanceOf(LockUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + redis.primary().port());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(lease.release()).isFalse();
        }
    }

    @Test
    void serverRestartedWithItsData_leaseSurvives_andScriptsAreReloaded() throws Exception {
        try (RedisLockManager m = manager(Duration.ofSeconds(10))) {
            Lease lease = m.acquire("restarted", Duration.ofSeconds(5));
            redis.primary().restart();
            try (RawRedis raw = new RawRedis(redis.uri())) {
                assertThat(raw.sync().scriptExists(io.holdfast.lock.redis.internal.Script.RELEASE.sha()))
                        .containsExactly(false);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> m.inspect("restarted").isPresent());
            assertThat(lease.isHeld()).isTrue();
            assertThat(lease.release()).isTrue();
            assertThat(m.inspect("restarted")).isEmpty();
        }
    }
}

package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.worker.Contender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 10: the lock key disappears behind the holder's back (deleted, or expired early). The
 * holder must learn it at its next renewal (within one renewal interval, lease/3), report it
 * (isHeld false, listener, metric), and its late write must be rejected by the fence once the
 * next holder has written.
 */
class EarlyExpiryIT {

    private static final Duration LEASE = Duration.ofMillis(1500);
    private static final Duration RENEWAL_INTERVAL = LEASE.dividedBy(3);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"DEL", "PEXPIRE"})
    void keyRemovedBehindHoldersBack_isDetectedAtNextRenewal(String how) throws Exception {
        String resource = "early-" + how;
        String key = new KeyLayout("holdfast").lock(resource).lock();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Scenario scenario = new Scenario("early-expiry-" + how.toLowerCase())) {
            RedisLockManager holderManager = scenario.manager(redis.uri(), b -> b.lease(LEASE).meterRegistry(meters));
            RedisLockManager otherManager = scenario.manager(redis.uri(), b -> b.lease(LEASE));
            Contender holder = scenario.contender(holderManager);
            Lease lease = holder.acquire(resource, Duration.ofSeconds(5));
            assertThat(lease).isNotNull();
            assertThat(holder.write(resource, lease.fencingToken())).isTrue();
            AtomicLong lostAt = new AtomicLong();
            CountDownLatch lost = new CountDownLatch(1);
            lease.onLost(() -> {
                lostAt.set(System.nanoTime());
                lost.countDown();
            });
            Thread.sleep(100); // let a renewal or two pass first: the loss must not depend on timing luck
            long removedAt = System.nanoTime();
            if (how.equals("DEL")) {
                assertThat(redis.primary().cli("DEL", key)).isEqualTo("1");
            } else {
                assertThat(redis.primary().cli("PEXPIRE", key, "1")).isEqualTo("1");
            }
            // another owner takes the lock at once and writes with its newer token
            Thread other = new Thread(() -> {
                try {
                    Contender contender = scenario.contender(otherManager);
                    Lease next = contender.acquire(resource, Duration.ofSeconds(5));
                    contender.write(resource, next.fencingToken());
                    assertThat(lost.await(10, TimeUnit.SECONDS)).isTrue();
                    contender.release(next);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "early-other");
            other.start();
            assertThat(lost.await(RENEWAL_INTERVAL.toMillis() * 3 + 5_000, TimeUnit.MILLISECONDS))
                    .as("loss reported").isTrue();
            long detectMillis = (lostAt.get() - removedAt) / 1_000_000;
            assertThat(lease.isHeld()).isFalse();
            // the holder's late write, after the new owner wrote, is stale
            other.join(10_000);
            boolean lateAccepted = holder.write(resource, lease.fencingToken());
            holder.release(lease);
            CheckReport report = scenario.report("detect_ms=" + detectMillis + " renewal_interval_ms="
                    + RENEWAL_INTERVAL.toMillis() + " late_write_accepted=" + lateAccepted);
            assertThat(meters.counter(LockMetricNames.LOST, LockMetricNames.TAG_BACKEND, "redis").count())
                    .as("lost metric").isEqualTo(1.0);
            assertThat(lateAccepted).isFalse();
            assertThat(report.fenceSafe()).as(report.details()).isTrue();
            assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
            assertThat(report.lossesReported()).isEqualTo(1);
            // the next renewal tick is at most one interval away; allow scheduling slack on a busy machine
            assertThat(detectMillis).isLessThanOrEqualTo(RENEWAL_INTERVAL.toMillis() + 750);
        }
    }
}

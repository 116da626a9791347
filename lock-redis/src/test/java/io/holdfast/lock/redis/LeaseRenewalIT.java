package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Renewal keeps leases alive; a lease whose renewal cannot be confirmed is reported lost. */
class LeaseRenewalIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    private RedisLockManager holder;
    private RedisLockManager other;

    private RedisLockManager manager(Duration lease, boolean renewal) {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).namespace(namespace)
                .lease(lease).renewal(renewal).timeout(Duration.ofSeconds(2)).meterRegistry(registry).build());
    }

    @AfterEach
    void close() {
        redis.primary().cli("CLIENT", "UNPAUSE");
        if (holder != null) {
            holder.close();
        }
        if (other != null) {
            other.close();
        }
    }

    private double count(String name, String result) {
        var search = registry.find(name);
        if (result != null) {
            search = search.tag(LockMetricNames.TAG_RESULT, result);
        }
        var c = search.counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void renewal_keepsLeaseHeld_pastSeveralLeases() throws Exception {
        holder = manager(Duration.ofMillis(300), true);
        other = manager(Duration.ofMillis(300), true);
        try (Lease lease = holder.acquire("renewed", Duration.ofSeconds(5))) {
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < end) {
                assertThat(other.tryAcquire("renewed")).isEmpty();
                assertThat(lease.isHeld()).isTrue();
                Thread.sleep(100);
            }
            assertThat(count(LockMetricNames.RENEWALS, LockMetricNames.RESULT_RENEWED)).isGreaterThanOrEqualTo(3);
            assertThat(count(LockMetricNames.LOST, null)).isZero();
        }
        assertThat(other.tryAcquire("renewed")).hasValueSatisfying(Lease::release);
    }

    @Test
    void renewalBlockedPastLease_reportsLoss_andReleaseNeverTouchesTheNextOwner() throws Exception {
        holder = manager(Duration.ofMillis(600), true);
        other = manager(Duration.ofSeconds(30), true);
        Lease lease = holder.acquire("paused", Duration.ofSeconds(5));
        AtomicInteger listener = new AtomicInteger();
        lease.onLost(listener::incrementAndGet);

        // the server answers nobody for 2s: renewals cannot be confirmed within the 600ms lease
        redis.primary().cli("CLIENT", "PAUSE", "2000", "ALL");
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.get() == 1);
        assertThat(lease.isHeld()).isFalse();
        assertThat(count(LockMetricNames.LOST, null)).isEqualTo(1);

        // once Redis answers again the lock is free (abandoned or expired) and another owner takes it
        Lease next = other.acquire("paused", Duration.ofSeconds(10));
        assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
        assertThat(lease.release()).isFalse();
        assertThat(next.isHeld()).isTrue();
        assertThat(other.inspect("paused")).hasValueSatisfying(
                i -> assertThat(i.fencingToken()).isEqualTo(next.fencingToken()));
        assertThat(next.release()).isTrue();
        assertThat(listener).hasValue(1);
    }

    @Test
    void withoutRenewal_leaseEnds_afterItsDuration() throws Exception {
        holder = manager(Duration.ofMillis(400), false);
        Lease lease = holder.acquire("unrenewed", Duration.ofSeconds(5));
        AtomicInteger listener = new AtomicInteger();
        lease.onLost(listener::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.get() == 1);
        assertThat(lease.isHeld()).isFalse();
        assertThat(count(LockMetricNames.RENEWALS, LockMetricNames.RESULT_RENEWED)).isZero();
        assertThat(lease.release()).isFalse();
    }

    @Test
    void keyTakenOverBehindOurBack_isDetectedAtRenewal() throws Exception {
        holder = manager(Duration.ofMillis(300), true);
        Lease lease = holder.acquire("stolen", Duration.ofSeconds(5));
        try (RawRedis raw = new RawRedis(redis.uri())) {
            raw.sync().set(RawRedis.lockKey(namespace, "stolen"), "someone-else");
            await().atMost(Duration.ofSeconds(5)).until(() -> !lease.isHeld());
            assertThat(count(LockMetricNames.RENEWALS, LockMetricNames.RESULT_FAILED)).isGreaterThanOrEqualTo(1);
            assertThat(lease.release()).isFalse();
            assertThat(raw.sync().get(RawRedis.lockKey(namespace, "stolen"))).isEqualTo("someone-else");
        }
    }
}

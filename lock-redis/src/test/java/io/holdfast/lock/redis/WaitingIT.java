package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waiters wake by release notification, the fallback re-check rescues a lost one, subscriptions
 * end with their waiters, and POLL works without pub/sub.
 */
class WaitingIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    private final RawRedis raw = new RawRedis(redis.uri());
    private RedisLockManager holder;
    private RedisLockManager waiter;

    private RedisLockManager manager(WaitStrategy strategy) {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).namespace(namespace)
                .waitStrategy(strategy).meterRegistry(registry).build());
    }

    @AfterEach
    void close() {
        if (holder != null) {
            holder.close();
        }
        if (waiter != null) {
            waiter.close();
        }
        raw.close();
    }

    /** Starts {@code waiter} acquiring {@code resource} on another thread; the lease is released there. */
    private CompletableFuture<Long> waitFor(String resource) {
        return CompletableFuture.supplyAsync(() -> {
            try (Lease l = waiter.acquire(resource, PATIENCE)) {
                return l.fencingToken();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitWaiterMarked(String resource) {
        String key = RawRedis.lockKey(namespace, resource);
        await().atMost(PATIENCE).until(() -> String.valueOf(raw.sync().get(key)).endsWith("!"));
    }

    @Test
    void waiters_wakeByNotification_withoutTheFallback() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        waiter = manager(WaitStrategy.PUBSUB);
        for (int round = 0; round < 5; round++) {
            Lease lease = holder.acquire("handoff", PATIENCE);
            CompletableFuture<Long> next = waitFor("handoff");
            awaitWaiterMarked("handoff");
            lease.release();
            assertThat(next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isGreaterThan(lease.fencingToken());
        }
        assertThat(waiter.waitStats().grantsAfterNotification()).isEqualTo(5);
        assertThat(waiter.waitStats().grantsAfterTimer()).as("fallback rescues").isZero();
        assertThat(registry.get(LockMetricNames.NOTIFICATIONS).counter().count()).isGreaterThanOrEqualTo(5);
        assertThat(waiter.subscribedChannels()).isZero();
        await().atMost(PATIENCE).until(() -> raw.sync().pubsubChannels(namespace + ":*").isEmpty());
    }

    @Test
    void lostNotification_isRescuedByTheFallbackRecheck() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        waiter = manager(WaitStrategy.PUBSUB);
        Lease lease = holder.acquire("lost-message", PATIENCE);
        CompletableFuture<Long> next = waitFor("lost-message");
        awaitWaiterMarked("lost-message");
        // strip the waiter's mark behind its back: the release then publishes nothing
        String key = RawRedis.lockKey(namespace, "lost-message");
        String value = raw.sync().get(key);
        raw.sync().set(key, value.substring(0, value.length() - 1), io.lettuce.core.SetArgs.Builder.keepttl());
        lease.release();
        assertThat(next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isGreaterThan(lease.fencingToken());
        assertThat(waiter.waitStats().grantsAfterTimer()).isEqualTo(1);
        assertThat(waiter.waitStats().grantsAfterNotification()).isZero();
    }

    @Test
    void releaseToAWaiter_cannotBeSnatchedBack_byTheReleasingManager() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        waiter = manager(WaitStrategy.PUBSUB);
        for (int round = 0; round < 3; round++) {
            Lease lease = holder.acquire("fair", PATIENCE);
            CompletableFuture<Long> next = waitFor("fair");
            awaitWaiterMarked("fair");
            lease.release();
            // the releasing manager's next thread would win any race; the handoff keeps it out,
            // so the notified waiter gets the very next grant (tokens are ordered like grants)
            Optional<Lease> snatched = holder.tryAcquire("fair");
            snatched.ifPresent(Lease::release);
            long waiterToken = next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(waiterToken).isGreaterThan(lease.fencingToken());
            snatched.ifPresent(s -> assertThat(s.fencingToken()).as("grant to the releasing manager")
                    .isGreaterThan(waiterToken));
        }
    }

    @Test
    void handoffToAWaiterThatLeft_freesTheLockAfterTheWindow() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        Lease lease = holder.acquire("abandoned-handoff", PATIENCE);
        // a waiter marked the lock, then gave up
        String key = RawRedis.lockKey(namespace, "abandoned-handoff");
        raw.sync().append(key, "!");
        lease.release();
        assertThat(raw.sync().get(key)).startsWith("~handoff:");
        assertThat(raw.sync().pttl(key)).isBetween(1L, 50L);
        try (Lease again = holder.acquire("abandoned-handoff", PATIENCE)) {
            assertThat(again.fencingToken()).isGreaterThan(lease.fencingToken());
        }
    }

    @Test
    void releaseWithoutWaiters_publishesNothing() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        raw.sync().configResetstat();
        for (int i = 0; i < 20; i++) {
            holder.acquire("quiet", PATIENCE).release();
        }
        assertThat(raw.sync().info("commandstats")).doesNotContain("cmdstat_publish");
    }

    @Test
    void poll_grantsWithoutPubSub() throws Exception {
        holder = manager(WaitStrategy.POLL);
        waiter = manager(WaitStrategy.POLL);
        raw.sync().configResetstat();
        Lease lease = holder.acquire("polled", PATIENCE);
        CompletableFuture<Long> next = waitFor("polled");
        await().atMost(PATIENCE).until(() -> waiter.waitStats().timerWakeups() >= 2);
        lease.release();
        assertThat(next.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isGreaterThan(lease.fencingToken());
        assertThat(waiter.waitStats().grantsAfterTimer()).isEqualTo(1);
        String stats = raw.sync().info("commandstats");
        assertThat(stats).doesNotContain("cmdstat_subscribe").doesNotContain("cmdstat_publish");
        assertThat(raw.sync().get(RawRedis.lockKey(namespace, "polled"))).isNull();
    }
}

package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
 * Waiters queue in order of arrival and get the lock from the release itself, told by a message on
 * their manager's channel; the queue refresh rescues a lost message; a waiter that gave up or died
 * is skipped; POLL works without pub/sub.
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

    /** Waits until the waiter is queued and its manager listens for grants. */
    private void awaitWaiterMarked(String resource) {
        String key = RawRedis.lockKey(namespace, resource);
        await().atMost(PATIENCE).until(() -> String.valueOf(raw.sync().get(key)).endsWith("!")
                && waiter.subscribedChannels() == 1);
    }

    /**
     * Issue 16: opening the pub/sub connection cost a cold JVM ~0.3s of CPU on its first
     * contended wait; it is opened, and the grant channel subscribed, when the manager starts.
     */
    @Test
    void grantChannel_isSubscribedAtStart_beforeAnyWait() {
        waiter = manager(WaitStrategy.PUBSUB);
        await().atMost(PATIENCE).until(() -> waiter.subscribedChannels() == 1);
        assertThat(raw.sync().pubsubChannels(namespace + ":*")).singleElement().asString()
                .startsWith(namespace + ":granted:");
        assertThat(waiter.waitStats().grantsAfterNotification()).as("no wait happened").isZero();
        holder = manager(WaitStrategy.POLL);
        assertThat(holder.subscribedChannels()).as("POLL opens no pub/sub connection").isZero();
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
        // the pub/sub thread counts a notification after it has completed the waiter's wait
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(registry.find(LockMetricNames.NOTIFICATIONS)
                .counter()).isNotNull().extracting(c -> c.count())
                .satisfies(n -> assertThat(n).isGreaterThanOrEqualTo(5.0)));
        assertThat(waiter.subscribedChannels()).as("one channel per manager, kept").isOne();
        // both managers subscribe at start (the holder never waited)
        assertThat(raw.sync().pubsubChannels(namespace + ":*")).hasSize(2)
                .allSatisfy(c -> assertThat(c).startsWith(namespace + ":granted:"));
        assertThat(raw.sync().exists(queueKey("handoff"))).as("queue gone with its last waiter").isZero();
    }

    private String queueKey(String resource) {
        return RawRedis.lockKey(namespace, resource).replaceAll(":lock$", ":queue");
    }

    @Test
    void waitersOfSeveralProcesses_getTheLockInOrderOfArrival() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        java.util.List<RedisLockManager> waiters = new java.util.ArrayList<>();
        java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.List<CompletableFuture<Void>> done = new java.util.ArrayList<>();
        try {
            Lease lease = holder.acquire("fifo", PATIENCE);
            for (int i = 0; i < 4; i++) {
                RedisLockManager m = manager(WaitStrategy.PUBSUB);
                waiters.add(m);
                String name = "waiter-" + i;
                done.add(CompletableFuture.runAsync(() -> {
                    try (Lease l = m.acquire("fifo", PATIENCE)) {
                        order.add(name);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                long queued = i + 1;
                await().atMost(PATIENCE).until(() -> raw.sync().zcard(queueKey("fifo")) == queued
                        && m.subscribedChannels() == 1);
            }
            lease.release();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(order).containsExactly("waiter-0", "waiter-1", "waiter-2", "waiter-3");
            for (RedisLockManager m : waiters) {
                assertThat(m.waitStats().grantsAfterNotification()).isOne();
            }
        } finally {
            waiters.forEach(RedisLockManager::close);
        }
    }

    @Test
    void waiterThatGaveUp_leavesTheQueue_andIsNotGrantedTheLock() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        waiter = manager(WaitStrategy.PUBSUB);
        Lease lease = holder.acquire("gave-up", PATIENCE);
        assertThatThrownBy(() -> waiter.acquire("gave-up", Duration.ofMillis(300)))
                .isInstanceOf(io.holdfast.lock.LockTimeoutException.class);
        assertThat(raw.sync().exists(queueKey("gave-up"))).isZero();
        lease.release();
        assertThat(raw.sync().get(RawRedis.lockKey(namespace, "gave-up"))).as("nobody was handed the lock").isNull();
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
    void interruptedWaiter_leavesTheQueue() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        waiter = manager(WaitStrategy.PUBSUB);
        Lease lease = holder.acquire("interrupted", PATIENCE);
        CompletableFuture<Thread> self = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            self.complete(Thread.currentThread());
            try {
                waiter.acquire("interrupted", PATIENCE).release();
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        await().atMost(PATIENCE).until(() -> raw.sync().zcard(queueKey("interrupted")) == 1);
        self.get().interrupt();
        assertThat(outcome.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        await().atMost(PATIENCE).until(() -> raw.sync().exists(queueKey("interrupted")) == 0);
        lease.release();
        assertThat(raw.sync().get(RawRedis.lockKey(namespace, "interrupted"))).isNull();
    }

    @Test
    void lockHandedOverWithAClaimLease_isExtendedToTheFullLease_whileHeld() throws Exception {
        // a lease whose periodic renewal (every lease/3 = 4s) comes after the claim lease (3s) ends
        Duration leaseLength = Duration.ofSeconds(12);
        java.util.function.Supplier<RedisLockManager> shortLease = () -> RedisLockManager.create(
                RedisLockSettings.builder().uri(redis.uri()).namespace(namespace).lease(leaseLength).build());
        holder = shortLease.get();
        waiter = shortLease.get();
        long claim = io.holdfast.lock.redis.internal.LeaseTiming.of(leaseLength).claim().toMillis();
        assertThat(claim).isLessThan(leaseLength.toMillis());
        Lease lease = holder.acquire("claimed", PATIENCE);
        CompletableFuture<Void> granted = new CompletableFuture<>();
        CompletableFuture<Boolean> heldThroughout = CompletableFuture.supplyAsync(() -> {
            try (Lease l = waiter.acquire("claimed", PATIENCE)) {
                granted.complete(null);
                Thread.sleep(5_000); // past the claim lease and the first periodic renewal
                return l.isHeld();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(PATIENCE).until(() -> raw.sync().zcard(queueKey("claimed")) == 1
                && waiter.subscribedChannels() == 1);
        lease.release();
        granted.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(waiter.waitStats().grantsAfterNotification()).isOne();
        String key = RawRedis.lockKey(namespace, "claimed");
        await().atMost(PATIENCE).until(() -> raw.sync().pttl(key) > claim);
        assertThat(holder.tryAcquire("claimed")).isEmpty();
        assertThat(heldThroughout.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(raw.sync().get(key)).isNull();
    }

    /** Puts a waiter of another (silent) process into the queue, as its acquire would. */
    private String queueForeignWaiter(String resource, long entryExpiresAtMillis) {
        String key = RawRedis.lockKey(namespace, resource);
        String owner = "0123456789abcdef0123456789abcdef:1:0:30000";
        raw.sync().zadd(queueKey(resource), 1, owner);
        raw.sync().hset(queueKey(resource) + "-expiry", owner, Long.toString(entryExpiresAtMillis));
        raw.sync().append(key, "!");
        return owner;
    }

    @Test
    void waiterThatDiedWhileQueued_blocksTheLockOnlyForTheClaimLease() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        Lease lease = holder.acquire("dead-waiter", PATIENCE);
        String dead = queueForeignWaiter("dead-waiter", System.currentTimeMillis() + 60_000);
        lease.release();
        String key = RawRedis.lockKey(namespace, "dead-waiter");
        assertThat(raw.sync().get(key)).as("handed to the oldest live entry").isEqualTo(dead);
        long claim = io.holdfast.lock.redis.internal.LeaseTiming.of(RedisLockSettings.DEFAULT_LEASE).claim().toMillis();
        assertThat(raw.sync().pttl(key)).isBetween(1L, claim);
        try (Lease again = holder.acquire("dead-waiter", PATIENCE)) {
            assertThat(again.fencingToken()).isGreaterThan(lease.fencingToken());
        }
    }

    @Test
    void expiredQueueEntry_isSkipped() throws Exception {
        holder = manager(WaitStrategy.PUBSUB);
        Lease lease = holder.acquire("expired-entry", PATIENCE);
        queueForeignWaiter("expired-entry", System.currentTimeMillis() - 1);
        lease.release();
        assertThat(raw.sync().get(RawRedis.lockKey(namespace, "expired-entry"))).isNull();
        assertThat(raw.sync().exists(queueKey("expired-entry"), queueKey("expired-entry") + "-expiry")).isZero();
        assertThat(holder.tryAcquire("expired-entry")).hasValueSatisfying(Lease::release);
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
        assertThat(stats).doesNotContain("cmdstat_subscribe");
        assertThat(raw.sync().get(RawRedis.lockKey(namespace, "polled"))).isNull();
    }
}

package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10's protocol defects that plain Redis shows: the claim lease a release sets is the
 * waiter's own (defect 1), owner values are unique per attempt and grant messages name the lock
 * (defect 4), a release of a value that is not ours leaves it and its remaining TTL alone (defect
 * 5), and the queue key lives as long as its longest-lived entry (defect 6).
 */
class ProtocolSafetyIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final String namespace = "ps-" + UUID.randomUUID().toString().substring(0, 8);
    private final RawRedis raw = new RawRedis(redis.uri());
    private final List<RedisLockManager> managers = new ArrayList<>();

    private RedisLockManager manager(Duration lease) {
        RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                .namespace(namespace).lease(lease).build());
        managers.add(m);
        return m;
    }

    @AfterEach
    void close() {
        managers.forEach(RedisLockManager::close);
        raw.close();
    }

    private String key(String resource, String suffix) {
        return namespace + ":{" + resource + "}:" + suffix;
    }

    /** Starts {@code m} acquiring {@code resource} on another thread, released there at once. */
    private static CompletableFuture<Long> acquireAsync(RedisLockManager m, String resource) {
        return CompletableFuture.supplyAsync(() -> {
            try (Lease l = m.acquire(resource, PATIENCE)) {
                return l.fencingToken();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitQueued(String resource, int n) {
        await().atMost(PATIENCE).until(() -> raw.sync().zcard(key(resource, "queue")) == n);
    }

    /**
     * Defect 1: R (lease 200ms, claim 150ms) hands the lock to W (lease 30s, which trusts its own
     * claim of 3s): Redis must give W that claim, not R's 150ms, or a third process takes the lock
     * at +150ms while W believes it holds it.
     */
    @Test
    void handover_setsTheWaitersOwnClaim_notTheReleasers() throws Exception {
        RedisLockManager r = manager(Duration.ofMillis(200));
        RedisLockManager w = manager(Duration.ofSeconds(30));
        Lease held = r.acquire("claim", PATIENCE);
        CompletableFuture<Lease> granted = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try (Lease l = w.acquire("claim", PATIENCE)) {
                granted.complete(l);
                release.get();
            } catch (Exception e) {
                granted.completeExceptionally(e);
            }
        });
        waiter.start();
        try {
            await().atMost(PATIENCE).until(() -> String.valueOf(raw.sync().get(key("claim", "lock")))
                    .endsWith("!") && w.subscribedChannels() == 1);
            held.release();
            Lease lease = granted.get(10, TimeUnit.SECONDS);
            long pttl = raw.sync().pttl(key("claim", "lock"));
            assertThat(lease.isHeld()).isTrue();
            assertThat(pttl).as("W's claim (3s) or W's renewed lease, never R's 150ms claim")
                    .isGreaterThan(1000);
        } finally {
            release.complete(null);
            waiter.join(10_000);
        }
    }

    /**
     * Defect 4: one thread acquiring the same lock again and again within a millisecond used the
     * same owner value every time; a late grant message of one attempt could complete another.
     */
    @Test
    void ownerValues_areUniquePerAttempt_evenForOneThreadWithinOneMillisecond() throws Exception {
        RedisLockManager m = manager(Duration.ofSeconds(30));
        int attempts = 200;
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < attempts; i++) { // back to back: many attempts share a millisecond
            leases.add(m.acquire("unique-" + i, PATIENCE));
        }
        Set<String> values = new HashSet<>();
        for (int i = 0; i < attempts; i++) {
            values.add(raw.sync().get(key("unique-" + i, "lock")));
        }
        leases.forEach(Lease::release);
        assertThat(values).hasSize(attempts);
    }

    /** Defect 4: a grant message names the lock it grants (and the owner value and token). */
    @Test
    void grantMessage_namesTheLock() throws Exception {
        RedisLockManager h = manager(Duration.ofSeconds(30));
        RedisLockManager w = manager(Duration.ofSeconds(30));
        RedisClient client = RedisClient.create(redis.uri());
        List<String> messages = new CopyOnWriteArrayList<>();
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub()) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String pattern, String channel, String message) {
                    messages.add(message);
                }
            });
            sub.sync().psubscribe(namespace + ":granted:*");
            Lease held = h.acquire("named", PATIENCE);
            CompletableFuture<Long> next = acquireAsync(w, "named");
            await().atMost(PATIENCE).until(() -> String.valueOf(raw.sync().get(key("named", "lock")))
                    .endsWith("!") && w.subscribedChannels() == 1);
            held.release();
            long token = next.get(10, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> !messages.isEmpty());
            String[] parts = messages.get(0).split(" ");
            assertThat(parts).hasSize(3);
            assertThat(parts[1]).isEqualTo(Long.toString(token));
            assertThat(parts[2]).isEqualTo(key("named", "lock"));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * Defect 5: an interrupted waiter's abandon used to GETDEL the holder's value and SET it back
     * with the full lease read from it, renewing a holder that may be dead.
     */
    @Test
    void abandonOfAnotherOwnersLock_leavesItsValueAndRemainingTtl() throws Exception {
        RedisLockManager w = manager(Duration.ofSeconds(30));
        String foreign = "0123456789abcdef0123456789abcdef:1:1700000000000:1:3000:30000";
        raw.sync().psetex(key("foreign", "lock"), 5000, foreign);
        Thread waiter = new Thread(() -> {
            try {
                w.acquire("foreign", PATIENCE).release();
            } catch (InterruptedException e) {
                // expected: the abandon runs
            }
        });
        waiter.start();
        awaitQueued("foreign", 1);
        waiter.interrupt();
        waiter.join(10_000);
        await().atMost(PATIENCE).until(() -> raw.sync().zcard(key("foreign", "queue")) == 0);
        assertThat(raw.sync().get(key("foreign", "lock"))).isIn(foreign, foreign + "!");
        assertThat(raw.sync().pttl(key("foreign", "lock"))).isBetween(1L, 5000L);
    }

    /**
     * Defect 6: every refresh used to set the queue key's TTL to its own entry lifetime, so a
     * short-lease waiter cut the queue (and a long-lease waiter's entry) down to 150ms.
     */
    @Test
    void queueTtl_isNeverCutByAShortLeaseWaiter() throws Exception {
        RedisLockManager h = manager(Duration.ofSeconds(30));
        RedisLockManager longLease = manager(Duration.ofSeconds(30)); // entry lifetime 3s
        RedisLockManager shortLease = manager(Duration.ofMillis(200)); // entry lifetime 150ms
        Lease held = h.acquire("ttl", PATIENCE);
        CompletableFuture<Long> first = acquireAsync(longLease, "ttl");
        awaitQueued("ttl", 1);
        CompletableFuture<Long> second = acquireAsync(shortLease, "ttl");
        awaitQueued("ttl", 2);
        // the short-lease waiter refreshes every 50ms, the long one every second
        for (int i = 0; i < 10; i++) {
            TimeUnit.MILLISECONDS.sleep(30);
            assertThat(raw.sync().pttl(key("ttl", "queue"))).as("queue TTL, sample %d", i)
                    .isGreaterThan(1000);
        }
        held.release();
        assertThat(first.get(10, TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
        assertThat(second.get(10, TimeUnit.SECONDS)).isGreaterThan(held.fencingToken());
    }
}

package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.proxy.FaultProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16 (S5 stretch): misses answered from the client-side cache
 * ({@link RedisLockSettings.Builder#cacheMisses}) must never say "busy" once the manager has seen
 * the lock change. The interleavings of a miss's reply with the release's invalidation and with
 * a reconnect, each driven through a {@link FaultProxy} between the manager and Redis (the
 * holder talks to Redis directly):
 * <ol>
 * <li>a cached miss, then the connection cut while the holder releases (the invalidation is
 * lost with the connection), then a reconnect: the next attempt goes to Redis and gets the
 * lock;</li>
 * <li>the miss's reply held in the proxy while the holder releases: the reply and the
 * invalidation arrive back to back; the miss is not remembered past the invalidation;</li>
 * <li>the miss's reply lost with the connection, the command replayed by Lettuce on the new
 * connection (where tracking may not be on yet): its reply is never remembered.</li>
 * </ol>
 */
class MissCacheReconnectIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static FaultProxy proxy() {
        URI u = URI.create(redis.uri());
        return FaultProxy.start(u.getHost(), u.getPort());
    }

    private static RedisLockManager manager(String uri, String namespace) {
        return RedisLockManager.create(RedisLockSettings.builder().uri(uri).namespace(namespace)
                .lease(Duration.ofMinutes(1)).build());
    }

    private static String proxied(FaultProxy proxy) {
        return "redis://" + proxy.host() + ":" + proxy.port();
    }

    private static String namespace() {
        return "mcr-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long evalshaCalls(StatefulRedisConnection<String, String> raw) {
        for (String line : raw.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                int i = line.indexOf("calls=");
                return Long.parseLong(line.substring(i + 6, line.indexOf(',', i)));
            }
        }
        return 0;
    }

    /** A round trip on the manager's command connection: every push before its reply is seen. */
    private static void roundTrip(RedisLockManager m) {
        m.inspect("barrier-" + UUID.randomUUID());
    }

    /** Cuts every connection of {@code proxy} (queued bytes dropped) and waits for Lettuce to reconnect. */
    private static void cutAndReconnect(FaultProxy proxy, RedisLockManager m) {
        long accepted = proxy.acceptedConnections();
        int open = proxy.openConnections();
        proxy.reset();
        proxy.pass();
        await().atMost(PATIENCE).until(() -> proxy.acceptedConnections() >= accepted + open
                && proxy.openConnections() >= open);
    }

    @Test
    void cachedMiss_connectionCutWhileTheHolderReleases_nextAttemptAfterTheReconnectGetsTheLock() throws Exception {
        String ns = namespace();
        try (FaultProxy proxy = proxy();
                RedisLockManager holder = manager(redis.uri(), ns);
                RedisLockManager m = manager(proxied(proxy), ns);
                RedisClient admin = RedisClient.create(redis.uri());
                StatefulRedisConnection<String, String> raw = admin.connect()) {
            Lease held = holder.acquire("job", PATIENCE);
            assertThat(m.tryAcquire("job")).isEmpty();
            raw.sync().configResetstat();
            assertThat(m.tryAcquire("job")).isEmpty();
            assertThat(evalshaCalls(raw)).as("the miss is remembered").isZero();
            proxy.blackhole(); // the invalidation of the release below never reaches the manager
            assertThat(held.release()).isTrue();
            cutAndReconnect(proxy, m);
            Optional<Lease> next = m.tryAcquire("job");
            assertThat(next).as("the first attempt after the reconnect").isPresent();
            next.get().release();
        }
    }

    @Test
    void missReplyHeld_whileTheHolderReleases_isNotRememberedPastTheInvalidation() throws Exception {
        String ns = namespace();
        try (FaultProxy proxy = proxy();
                RedisLockManager holder = manager(redis.uri(), ns);
                RedisLockManager m = manager(proxied(proxy), ns);
                RedisClient admin = RedisClient.create(redis.uri());
                StatefulRedisConnection<String, String> raw = admin.connect()) {
            for (int i = 0; i < 20; i++) {
                Lease held = holder.acquire("job", PATIENCE);
                raw.sync().configResetstat();
                proxy.holdReplies();
                CompletableFuture<Optional<Lease>> miss = CompletableFuture.supplyAsync(() -> m.tryAcquire("job"));
                await().atMost(PATIENCE).until(() -> evalshaCalls(raw) == 1); // the script ran: busy
                assertThat(held.release()).isTrue(); // its invalidation queues behind the reply
                proxy.pass();
                assertThat(miss.get()).isEmpty();
                roundTrip(m);
                Optional<Lease> next = m.tryAcquire("job");
                assertThat(next).as("round %d: after the invalidation", i).isPresent();
                next.get().release();
            }
        }
    }

    @Test
    void missReplyLostWithTheConnection_andReplayedOnTheNextOne_isNeverRemembered() throws Exception {
        String ns = namespace();
        try (FaultProxy proxy = proxy();
                RedisLockManager holder = manager(redis.uri(), ns);
                RedisLockManager m = manager(proxied(proxy), ns);
                RedisClient admin = RedisClient.create(redis.uri());
                StatefulRedisConnection<String, String> raw = admin.connect()) {
            Lease held = holder.acquire("job", PATIENCE);
            raw.sync().configResetstat();
            proxy.holdReplies();
            CompletableFuture<Optional<Lease>> miss = CompletableFuture.supplyAsync(() -> m.tryAcquire("job"));
            await().atMost(PATIENCE).until(() -> evalshaCalls(raw) == 1);
            cutAndReconnect(proxy, m); // the reply is dropped; Lettuce replays the command
            assertThat(miss.get()).isEmpty();
            assertThat(held.release()).isTrue();
            roundTrip(m);
            Optional<Lease> next = m.tryAcquire("job");
            assertThat(next).as("after the release, the replayed miss must not answer").isPresent();
            next.get().release();
        }
    }
}

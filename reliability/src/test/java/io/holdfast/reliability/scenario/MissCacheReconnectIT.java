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

    /** A manager behind a fault proxy, a holder talking to Redis directly, and a raw connection. */
    private static final class Setup implements AutoCloseable {
        final FaultProxy proxy;
        final RedisLockManager holder;
        final RedisLockManager m;
        final RedisClient admin;
        final StatefulRedisConnection<String, String> raw;

        Setup() {
            URI u = URI.create(redis.uri());
            String ns = "mcr-" + UUID.randomUUID().toString().substring(0, 8);
            proxy = FaultProxy.start(u.getHost(), u.getPort());
            holder = manager(redis.uri(), ns);
            m = manager("redis://" + proxy.host() + ":" + proxy.port(), ns);
            admin = RedisClient.create(redis.uri());
            raw = admin.connect();
        }

        private static RedisLockManager manager(String uri, String namespace) {
            return RedisLockManager.create(RedisLockSettings.builder().uri(uri).namespace(namespace)
                    .lease(Duration.ofMinutes(1)).cacheMisses(true).build());
        }

        long evalshaCalls() {
            for (String line : raw.sync().info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_evalsha:")) {
                    int i = line.indexOf("calls=");
                    return Long.parseLong(line.substring(i + 6, line.indexOf(',', i)));
                }
            }
            return 0;
        }

        /** A miss of the manager whose script ran in Redis while its reply is held in the proxy. */
        CompletableFuture<Optional<Lease>> missWithReplyHeld() {
            raw.sync().configResetstat();
            proxy.holdReplies();
            CompletableFuture<Optional<Lease>> miss = CompletableFuture.supplyAsync(() -> m.tryAcquire("job"));
            await().atMost(PATIENCE).until(() -> evalshaCalls() == 1); // the script ran: busy
            return miss;
        }

        /**
         * Cuts every connection of the proxy (queued bytes dropped) and waits until the manager's
         * command connection works again. Only the command connection is awaited: the manager's
         * pub/sub connection, opened asynchronously at start, may have been cut during its
         * handshake (its reply held with the others), and then it is not reconnected by Lettuce
         * but opened again by the manager when a wait needs it; these cases never wait.
         */
        void cutAndReconnect() {
            long accepted = proxy.acceptedConnections();
            proxy.reset();
            proxy.pass();
            await().atMost(PATIENCE).until(() -> proxy.acceptedConnections() > accepted);
            await().atMost(PATIENCE).ignoreExceptions()
                    .until(() -> m.inspect("probe-" + UUID.randomUUID()).isEmpty());
        }

        /**
         * After a round trip on the manager's command connection (every push before its reply is
         * seen), the manager's next attempt must get the lock.
         */
        void nextAttemptGetsTheLock(String as) {
            m.inspect("barrier-" + UUID.randomUUID());
            Optional<Lease> next = m.tryAcquire("job");
            assertThat(next).as(as).isPresent();
            next.get().release();
        }

        @Override
        public void close() {
            m.close();
            holder.close();
            raw.close();
            admin.shutdown();
            proxy.close();
        }
    }

    @Test
    void cachedMiss_connectionCutWhileTheHolderReleases_nextAttemptAfterTheReconnectGetsTheLock() throws Exception {
        try (Setup t = new Setup()) {
            Lease held = t.holder.acquire("job", PATIENCE);
            assertThat(t.m.tryAcquire("job")).isEmpty();
            t.raw.sync().configResetstat();
            assertThat(t.m.tryAcquire("job")).isEmpty();
            assertThat(t.evalshaCalls()).as("the miss is remembered").isZero();
            t.proxy.blackhole(); // the invalidation of the release below never reaches the manager
            assertThat(held.release()).isTrue();
            t.cutAndReconnect();
            Optional<Lease> next = t.m.tryAcquire("job"); // no barrier: the very first attempt
            assertThat(next).as("the first attempt after the reconnect").isPresent();
            next.get().release();
        }
    }

    @Test
    void missReplyHeld_whileTheHolderReleases_isNotRememberedPastTheInvalidation() throws Exception {
        try (Setup t = new Setup()) {
            for (int i = 0; i < 20; i++) {
                Lease held = t.holder.acquire("job", PATIENCE);
                CompletableFuture<Optional<Lease>> miss = t.missWithReplyHeld();
                assertThat(held.release()).isTrue(); // its invalidation queues behind the reply
                t.proxy.pass();
                assertThat(miss.get()).isEmpty();
                t.nextAttemptGetsTheLock("round " + i + ": after the invalidation");
            }
        }
    }

    @Test
    void missReplyLostWithTheConnection_andReplayedOnTheNextOne_isNeverRemembered() throws Exception {
        try (Setup t = new Setup()) {
            Lease held = t.holder.acquire("job", PATIENCE);
            CompletableFuture<Optional<Lease>> miss = t.missWithReplyHeld();
            t.cutAndReconnect(); // the reply is dropped; Lettuce replays the command
            assertThat(miss.get()).isEmpty();
            assertThat(held.release()).isTrue();
            t.nextAttemptGetsTheLock("after the release, the replayed miss must not answer");
        }
    }
}

package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 16 (S5 stretch): a zero-wait miss answered from the client-side cache, against a real
 * {@code redis-server}: the first miss is one command; while the holder holds and nothing
 * changed, further misses send none (Redis tracked the lock key the acquire script read for the
 * manager's connection, on Lettuce's default RESP3); the release's invalidation (another
 * manager's release, the lease expiring, a renewal's {@code PEXPIRE}, a flush) sends the next
 * attempt to Redis again. Counted with {@code INFO commandstats}.
 */
class MissCacheIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private static String namespace() {
        return "mc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static RedisLockManager manager(String namespace, boolean cacheMisses) {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).namespace(namespace)
                .lease(Duration.ofMinutes(1)).cacheMisses(cacheMisses).build());
    }

    /**
     * A round trip on {@code m}'s command connection: its reply comes after every invalidation
     * Redis pushed before it, so the manager has seen them when this returns.
     */
    private static void roundTrip(RedisLockManager m) {
        m.inspect("barrier-" + UUID.randomUUID());
    }

    @Test
    void cachedMisses_sendNoCommand_andTheReleasesInvalidation_sendsTheNextAttemptToRedis() throws Exception {
        String ns = namespace();
        try (RedisLockManager holder = manager(ns, true);
                RedisLockManager m = manager(ns, true);
                RawRedis raw = new RawRedis(redis.uri())) {
            Lease held = holder.acquire("job", PATIENCE);
            raw.sync().configResetstat();
            assertThat(m.tryAcquire("job")).isEmpty();
            assertThat(raw.evalshaCalls()).as("the first miss").isEqualTo(1);
            for (int i = 0; i < 50; i++) {
                assertThat(m.tryAcquire("job")).isEmpty();
            }
            assertThat(raw.evalshaCalls()).as("50 misses while the holder holds").isEqualTo(1);
            assertThat(held.release()).isTrue(); // GET + DEL: Redis pushes an invalidation to m
            roundTrip(m);
            Optional<Lease> next = m.tryAcquire("job");
            assertThat(next).as("after the release's invalidation").isPresent();
            assertThat(next.get().fencingToken()).isGreaterThan(held.fencingToken());
            assertThat(raw.evalshaCalls()).isEqualTo(3); // the release and the granted attempt
            next.get().release();
        }
    }

    @Test
    void withCacheMissesOff_everyMissIsOneCommand() throws Exception {
        String ns = namespace();
        try (RedisLockManager holder = manager(ns, true);
                RedisLockManager m = manager(ns, false);
                RawRedis raw = new RawRedis(redis.uri())) {
            Lease held = holder.acquire("job", PATIENCE);
            raw.sync().configResetstat();
            for (int i = 0; i < 20; i++) {
                assertThat(m.tryAcquire("job")).isEmpty();
            }
            assertThat(raw.evalshaCalls()).isEqualTo(20);
            held.release();
        }
    }

    @Test
    void aLeaseThatExpires_orIsExtended_invalidatesTheMiss() throws Exception {
        String ns = namespace();
        String key = RawRedis.lockKey(ns, "job");
        try (RedisLockManager m = manager(ns, true);
                RawRedis raw = new RawRedis(redis.uri())) {
            // another instance holds the lock (a plain value: no renewal traffic)
            raw.sync().set(key, "other:1:1:60000", SetArgs.Builder.px(60_000));
            assertThat(m.tryAcquire("job")).isEmpty();
            raw.sync().configResetstat();
            assertThat(m.tryAcquire("job")).isEmpty();
            assertThat(raw.evalshaCalls()).isZero();
            raw.sync().pexpire(key, 60_000); // a renewal: the next miss asks Redis again
            roundTrip(m);
            assertThat(m.tryAcquire("job")).isEmpty();
            assertThat(raw.evalshaCalls()).isEqualTo(1);
            assertThat(m.tryAcquire("job")).isEmpty();
            assertThat(raw.evalshaCalls()).isEqualTo(1);
            raw.sync().pexpire(key, 150); // the holder stops renewing: its lease runs out
            await().atMost(PATIENCE).until(() -> m.tryAcquire("job").map(l -> {
                l.release();
                return true;
            }).orElse(false));
        }
    }

    @Test
    void aFlush_invalidatesEveryMiss() throws Exception {
        String ns = namespace();
        try (RedisLockManager m = manager(ns, true);
                RawRedis raw = new RawRedis(redis.uri())) {
            raw.sync().set(RawRedis.lockKey(ns, "a"), "other:1:1:60000", SetArgs.Builder.px(60_000));
            assertThat(m.tryAcquire("a")).isEmpty();
            raw.sync().flushall(); // nothing else runs on this test's server
            roundTrip(m);
            Optional<Lease> a = m.tryAcquire("a");
            assertThat(a).isPresent();
            a.get().release();
        }
    }

    @Test
    void ownRelease_sentWithoutWaiting_isNeverAnsweredBusyByTheSameManager() throws Exception {
        String ns = namespace();
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                        .namespace(ns).waitForRelease(false).cacheMisses(true).build());
                RedisLockManager other = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                        .namespace(ns).waitForRelease(false).build())) {
            for (int i = 0; i < 50; i++) {
                Lease held = other.acquire("job", PATIENCE);
                assertThat(m.tryAcquire("job")).isEmpty(); // remembered busy
                assertThat(held.release()).isTrue();
                Lease mine = m.acquire("job", PATIENCE); // a waiting acquire goes to Redis
                assertThat(mine.release()).isTrue(); // sent; the reply may still be on its way
                Optional<Lease> again = m.tryAcquire("job");
                assertThat(again).as("cycle %d", i).isPresent();
                again.get().release();
            }
        }
    }
}

package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.admin.RedisLockAdmin;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared locks between managers (processes) on one Redis: the readers key, writer intent in the
 * queue, hand-over by release, crashed and lost readers, nothing left behind.
 */
class SharedLocksIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private final String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private RedisLockManager a;
    private RedisLockManager b;
    private RedisLockManager c;
    private RawRedis raw;

    private RedisLockManager manager(Duration lease) {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                .namespace(namespace).lease(lease).build());
    }

    private void open(Duration lease) {
        a = manager(lease);
        b = manager(lease);
        c = manager(lease);
        raw = new RawRedis(redis.uri());
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        for (AutoCloseable m : new AutoCloseable[] {a, b, c, raw}) {
            if (m != null) {
                try {
                    m.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private String key(String resource, String suffix) {
        return namespace + ":{" + resource + "}:" + suffix;
    }

    private long queued(String resource) {
        return raw.sync().zcard(key(resource, "queue"));
    }

    private void assertNothingLeft(String resource) {
        assertThat(raw.sync().exists(key(resource, "lock"), key(resource, "readers"),
                key(resource, "queue"), key(resource, "queue-expiry"))).isZero();
    }

    @Test
    void readersOfTwoManagers_overlap_withIncreasingTokens_andLeaveNothing() throws Exception {
        open(Duration.ofSeconds(30));
        Lease first = a.acquireShared("doc", Duration.ofSeconds(5));
        Lease second = b.acquireShared("doc", Duration.ofSeconds(5));
        assertThat(first.isHeld()).isTrue();
        assertThat(second.isHeld()).isTrue();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(raw.sync().hlen(key("doc", "readers"))).isEqualTo(2);
        assertThat(c.tryAcquire("doc")).isEmpty();
        first.release();
        assertThat(c.tryAcquire("doc")).isEmpty();
        second.release();
        assertNothingLeft("doc");
        try (Lease writer = c.tryAcquire("doc").orElseThrow()) {
            assertThat(writer.fencingToken()).isGreaterThan(second.fencingToken());
        }
        assertNothingLeft("doc");
    }

    @Test
    void writerOfAnotherManager_waitsForTheReaders_thenExcludesThem() throws Exception {
        open(Duration.ofSeconds(30));
        Lease reader = a.acquireShared("doc", Duration.ofSeconds(5));
        Held writer = new Held(b, "doc", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued("doc") == 1);
        assertThat(writer.lease).isNotDone();
        reader.release(); // the last reader's release hands the lock to the queued writer
        Lease w = writer.lease.get(10, TimeUnit.SECONDS);
        assertThat(w.fencingToken()).isGreaterThan(reader.fencingToken());
        assertThat(a.tryAcquireShared("doc")).isEmpty();
        assertThat(c.tryAcquireShared("doc")).isEmpty();
        writer.release();
        Lease after = c.tryAcquireShared("doc").orElseThrow();
        assertThat(after.fencingToken()).isGreaterThan(w.fencingToken());
        after.release();
        assertNothingLeft("doc");
    }

    @Test
    void waitingWriter_stopsNewReadersOfOtherManagers_andTheyFollowIt() throws Exception {
        open(Duration.ofSeconds(30));
        Lease reader = a.acquireShared("doc", Duration.ofSeconds(5));
        Held writer = new Held(b, "doc", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued("doc") == 1);
        // writer preference: a reader arriving after the waiting writer misses or waits
        assertThat(c.tryAcquireShared("doc")).isEmpty();
        Held lateReader = new Held(c, "doc", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued("doc") == 2);
        try (RedisLockAdmin admin = RedisLockAdmin.create(RedisLockSettings.builder()
                .uri(redis.uri()).namespace(namespace).build())) {
            assertThat(admin.inspect("doc")).hasValueSatisfying(state -> {
                assertThat(state.mode()).isEqualTo("shared");
                assertThat(state.readers()).as("readers holding").isOne();
                assertThat(state.holderName()).startsWith("shared by 1: ");
                assertThat(state.queueLength()).as("a writer and a reader wait").isEqualTo(2);
                assertThat(state.token()).isEqualTo(reader.fencingToken());
            });
        }
        reader.release();
        Lease w = writer.lease.get(10, TimeUnit.SECONDS);
        assertThat(lateReader.lease).isNotDone(); // the writer holds the lock exclusively
        assertThat(queued("doc")).isEqualTo(1);
        writer.release(); // hands the lock to the reader queued behind it
        Lease r = lateReader.lease.get(10, TimeUnit.SECONDS);
        assertThat(r.fencingToken()).isGreaterThan(w.fencingToken());
        lateReader.release();
        assertNothingLeft("doc");
    }

    @Test
    void crashedReadersEntry_expiresByItsDeadline_andFreesTheWriter() throws Exception {
        open(Duration.ofSeconds(30));
        // a reader whose process died: its entry ends in 1s, but the lock key's TTL (extended by
        // renewals before the crash) runs far past the writer's wait
        var time = raw.sync().time();
        long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
        raw.sync().hset(key("doc", "readers"), "dead:1:1:1:1000:30000", (now + 1500) + " 1");
        raw.sync().set(key("doc", "lock"), "~shared", io.lettuce.core.SetArgs.Builder.px(120_000));
        raw.sync().pexpire(key("doc", "readers"), 120_000);
        assertThat(b.tryAcquire("doc")).isEmpty();
        try (Lease w = b.acquire("doc", Duration.ofSeconds(20))) {
            assertThat(w.isHeld()).isTrue();
            assertThat(raw.sync().exists(key("doc", "readers"))).isZero();
        }
        assertNothingLeft("doc");
    }

    @Test
    void readerWhoseEntryIsGone_isReportedLost_atTheNextRenewal() throws Exception {
        open(Duration.ofMillis(900));
        Lease reader = a.acquireShared("doc", Duration.ofSeconds(5));
        Lease other = b.acquireShared("doc", Duration.ofSeconds(5));
        AtomicInteger lost = new AtomicInteger();
        reader.onLost(lost::incrementAndGet);
        var owners = raw.sync().hkeys(key("doc", "readers"));
        assertThat(owners).hasSize(2);
        // renewals keep both readers past several leases
        long renewed = System.nanoTime() + Duration.ofMillis(2700).toNanos();
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - renewed > 0);
        assertThat(reader.isHeld()).isTrue();
        assertThat(other.isHeld()).isTrue();
        String mine = owners.stream().filter(o -> o.startsWith(ownerIdOf(a, owners))).findFirst()
                .orElseThrow();
        raw.sync().hdel(key("doc", "readers"), mine);
        await().atMost(Duration.ofSeconds(5)).until(() -> lost.get() == 1);
        assertThat(reader.isHeld()).isFalse();
        assertThat(other.isHeld()).isTrue();
        reader.release();
        other.release();
        assertNothingLeft("doc");
    }

    /**
     * Gap (a) of issue 13: R1 reads; W queues (writer intent); R2 queues behind W; W gives up.
     * Before, R2 was granted only at its next queue refresh (up to a second later, by its timer);
     * now W's leaving script grants R2 at once, by a grant message.
     */
    @Test
    void writerGivingUp_grantsTheReadersQueuedBehindIt_atOnce() throws Exception {
        open(Duration.ofSeconds(30));
        Lease first = a.acquireShared("doc", Duration.ofSeconds(5));
        CompletableFuture<Boolean> writer = CompletableFuture.supplyAsync(() -> {
            try {
                b.acquire("doc", Duration.ofSeconds(3)).release();
                return true;
            } catch (io.holdfast.lock.LockTimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued("doc") == 1);
        Held second = new Held(c, "doc", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued("doc") == 2);
        assertThat(writer.get(20, TimeUnit.SECONDS)).as("the writer gave up").isFalse();
        Lease r2 = second.lease.get(10, TimeUnit.SECONDS);
        assertThat(c.waitStats().grantsAfterNotification()).as("granted by the writer's leaving").isOne();
        assertThat(c.waitStats().grantsAfterTimer()).as("granted by its own refresh").isZero();
        assertThat(r2.fencingToken()).isGreaterThan(first.fencingToken());
        assertThat(first.isHeld()).isTrue();
        assertThat(raw.sync().get(key("doc", "lock"))).as("nobody waits any more").isEqualTo("~shared");
        second.release();
        first.release();
        assertNothingLeft("doc");
    }

    /**
     * Gap (b) of issue 13: R1 reads; an operator force-releases the shared lock; W takes it and
     * writes, R2 queues behind W, W's release hands the lock to R2 (SHARED again). Before, the
     * forced release left R1's entry in the readers key, so R1's renewal found it under the new
     * SHARED value and R1 kept "holding" across W's exclusive hold; now the forced release
     * removes the readers and R1 reports the loss at its next renewal.
     */
    @Test
    void forcedReleaseOfASharedLock_evictsTheReaders_andAWriterIsGrantedAboveTheirTokens() throws Exception {
        open(Duration.ofSeconds(3));
        Lease evicted = a.acquireShared("doc", Duration.ofSeconds(5));
        AtomicInteger lost = new AtomicInteger();
        evicted.onLost(lost::incrementAndGet);
        try (RedisLockAdmin admin = RedisLockAdmin.create(RedisLockSettings.builder()
                .uri(redis.uri()).namespace(namespace).build())) {
            var state = admin.inspect("doc").orElseThrow();
            assertThat(admin.forceRelease(state, new io.holdfast.lock.spi.LockAdmin.Operator("test", "host"),
                    "gap b").outcome()).isEqualTo(io.holdfast.lock.spi.LockAdmin.Eviction.Outcome.RELEASED);
        }
        assertThat(raw.sync().exists(key("doc", "readers"))).as("readers evicted with the lock").isZero();
        Held writer = new Held(b, "doc", false);
        Lease w = writer.lease.get(10, TimeUnit.SECONDS);
        assertThat(w.fencingToken()).isGreaterThan(evicted.fencingToken());
        Held later = new Held(c, "doc", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> queued("doc") == 1);
        writer.release(); // hands the lock to the queued reader: SHARED again
        Lease r2 = later.lease.get(10, TimeUnit.SECONDS);
        assertThat(raw.sync().hlen(key("doc", "readers"))).as("only the new reader's entry").isOne();
        await().atMost(Duration.ofSeconds(10)).until(() -> lost.get() == 1);
        assertThat(evicted.isHeld()).isFalse();
        assertThat(r2.isHeld()).isTrue();
        assertThat(r2.fencingToken()).isGreaterThan(w.fencingToken());
        evicted.release();
        later.release();
        assertNothingLeft("doc");
    }

    /** The owner id prefix of {@code m}'s reader entry among {@code owners} (one per manager). */
    private static String ownerIdOf(RedisLockManager m, java.util.List<String> owners) {
        String id = m.sharedOwnerId();
        return owners.stream().filter(o -> o.startsWith(id + ":")).findFirst()
                .map(o -> id + ":").orElseThrow();
    }

    /** A lease taken and released on a thread of its own (leases are released by their thread). */
    private final class Held {
        final CompletableFuture<Lease> lease = new CompletableFuture<>();
        private final CountDownLatch release = new CountDownLatch(1);
        private final Future<?> done;

        Held(RedisLockManager m, String resource, boolean shared) {
            done = pool.submit(() -> {
                Lease l = shared ? m.acquireShared(resource, Duration.ofSeconds(30))
                        : m.acquire(resource, Duration.ofSeconds(30));
                lease.complete(l);
                release.await();
                l.release();
                return null;
            });
        }

        void release() throws Exception {
            release.countDown();
            done.get(10, TimeUnit.SECONDS);
        }
    }
}

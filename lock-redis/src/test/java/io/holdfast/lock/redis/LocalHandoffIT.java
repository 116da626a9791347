package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.testkit.conformance.Waiter;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * In-JVM lease handoff: a lease released while another thread of the JVM waits passes to it with
 * no Redis round trip, with the next fencing token, at most {@code localHandoffs} times in a row;
 * a lost lease is never handed on; renewal continues for the new holder.
 */
class LocalHandoffIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private final String namespace = "lh-" + UUID.randomUUID().toString().substring(0, 8);

    private RedisLockSettings.Builder settings() {
        return RedisLockSettings.builder().uri(redis.uri()).namespace(namespace);
    }

    @Test
    void contendedThreads_shareOneLeaseLocally_exclusiveWithStrictlyIncreasingTokens() throws Exception {
        int threads = 4;
        int cycles = 500;
        try (RedisLockManager m = RedisLockManager.create(settings().build());
                RawRedis raw = new RawRedis(redis.uri())) {
            m.acquire("warm", Duration.ofSeconds(5)).release();
            raw.sync().configResetstat();
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            long[] last = {0};
            AtomicInteger regressions = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < cycles; i++) {
                            try (Lease lease = m.acquire("shared", Duration.ofSeconds(30))) {
                                if (inside.incrementAndGet() != 1) {
                                    overlaps.incrementAndGet();
                                }
                                if (lease.fencingToken() <= last[0]) {
                                    regressions.incrementAndGet();
                                }
                                last[0] = lease.fencingToken();
                                inside.decrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long scripts = raw.evalshaCalls();
            System.out.println("local handoff: " + threads * cycles + " grants, " + scripts
                    + " EVALSHA (acquire + release) calls");
            assertThat(overlaps).hasValue(0);
            assertThat(regressions).hasValue(0);
            // without handoff every grant costs two scripts; most grants here are handoffs
            assertThat(scripts).isLessThan(threads * cycles);
            assertThat(m.inspect("shared")).isEmpty();
        }
    }

    @Test
    void budget_letsAnotherProcessIn_whileThisOneKeepsContending() throws Exception {
        try (RedisLockManager busy = RedisLockManager.create(settings().localHandoffs(4).build());
                RedisLockManager other = RedisLockManager.create(settings().build())) {
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                for (int t = 0; t < 3; t++) {
                    pool.submit(() -> {
                        while (!stop.get()) {
                            try (Lease lease = busy.acquire("budget", Duration.ofSeconds(30))) {
                                lease.ensureHeld();
                            }
                        }
                        return null;
                    });
                }
                Thread.sleep(300);
                try (Lease lease = other.acquire("budget", Duration.ofSeconds(20))) {
                    assertThat(lease.isHeld()).isTrue();
                }
            } finally {
                stop.set(true);
                pool.shutdown();
                assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void handedOnLease_isRenewedForTheNewHolder() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(settings().lease(Duration.ofSeconds(1)).build());
                RedisLockManager other = RedisLockManager.create(settings().build())) {
            Lease first = m.acquire("renewed", Duration.ofSeconds(5));
            Waiter<Long> second = Waiter.start("second", () -> {
                try (Lease lease = m.acquire("renewed", Duration.ofSeconds(10))) {
                    Thread.sleep(3_000); // three leases
                    lease.ensureHeld();
                    assertThat(other.tryAcquire("renewed")).isEmpty();
                    return lease.fencingToken();
                }
            }).awaitBlocked(); // queued on the local lock
            long token = first.fencingToken();
            first.release();
            assertThat(second.get()).isEqualTo(token + 1);
            assertThat(other.tryAcquire("renewed")).hasValueSatisfying(Lease::release);
        }
    }

    @Test
    void lostLease_isNotHandedOn() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(settings().lease(Duration.ofSeconds(1)).build());
                RawRedis raw = new RawRedis(redis.uri())) {
            Lease first = m.acquire("lost", Duration.ofSeconds(5));
            ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
            Waiter<Optional<String>> second = Waiter.start("second", () -> {
                try (Lease lease = m.acquire("lost", Duration.ofSeconds(20))) {
                    tokens.add(lease.fencingToken());
                    return Optional.ofNullable(raw.sync().get(RawRedis.lockKey(namespace, "lost")));
                }
            }).awaitBlocked(); // queued on the local lock
            // another owner takes the key over: the renewer finds the lease lost
            raw.sync().set(RawRedis.lockKey(namespace, "lost"), "someone-else:1:1",
                    io.lettuce.core.SetArgs.Builder.px(1500));
            // within the lease (1s) plus a validity check: ten leases are ample under load
            await().atMost(Duration.ofSeconds(10)).until(() -> !first.isHeld());
            first.release();
            // the waiter got its lease from Redis, after the other owner's key expired
            Optional<String> ownerSeen = second.get();
            assertThat(ownerSeen).hasValueSatisfying(v -> assertThat(v).doesNotStartWith("someone-else"));
            assertThat(tokens.peek()).isGreaterThan(first.fencingToken() + 1);
        }
    }
}

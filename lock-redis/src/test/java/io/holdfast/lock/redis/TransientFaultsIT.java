package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults the client must ride out: a flushed script cache and a server that stops answering for a while. */
class TransientFaultsIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private final String namespace = "tf-" + UUID.randomUUID().toString().substring(0, 8);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RedisLockManager manager(Duration timeout) {
        return RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).namespace(namespace)
                .timeout(timeout).meterRegistry(registry).build());
    }

    @Test
    void scriptFlush_midRun_isRecoveredTransparently() throws Exception {
        try (RedisLockManager a = manager(Duration.ofSeconds(3));
                RedisLockManager b = manager(Duration.ofSeconds(3));
                RawRedis raw = new RawRedis(redis.uri())) {
            raw.sync().configResetstat();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicInteger grants = new AtomicInteger();
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                RedisLockManager m = t % 2 == 0 ? a : b;
                String resource = "flushed-" + (t % 3);
                Thread th = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        try (Lease l = m.acquire(resource, Duration.ofSeconds(10))) {
                            grants.incrementAndGet();
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            int flushes = 0;
            while (System.nanoTime() < end) {
                raw.sync().scriptFlush();
                flushes++;
                Thread.sleep(50);
            }
            for (Thread th : threads) {
                th.join(30_000);
            }
            assertThat(errors).isEmpty();
            assertThat(grants.get()).isGreaterThan(flushes);
            // the NOSCRIPT answers were followed by EVAL, which re-cached the scripts
            assertThat(raw.sync().info("commandstats")).contains("cmdstat_eval:");
        }
    }

    @Test
    void serverFrozen_longerThanTheCommandTimeout_acquireRetriesAndGrantsOnce() throws Exception {
        try (RedisLockManager m = manager(Duration.ofMillis(400)); RawRedis raw = new RawRedis(redis.uri())) {
            String fence = namespace + ":{frozen}:fence";
            redis.primary().stop();
            Thread thaw = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                redis.primary().cont();
            });
            thaw.start();
            try (Lease lease = m.acquire("frozen", Duration.ofSeconds(15))) {
                assertThat(lease.isHeld()).isTrue();
                // timed-out attempts reached the server later, but a re-sent acquire of the same owner
                // is idempotent: one grant, one token
                // (the fence key holds the last token the grant reserved for local handoffs)
                assertThat(raw.sync().get(fence)).isEqualTo(Long.toString(lease.fencingToken()
                        + RedisLockSettings.MAX_LOCAL_HANDOFFS));
            } finally {
                thaw.join();
            }
            assertThat(registry.get(LockMetricNames.RETRIES).counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(m.tryAcquire("frozen")).hasValueSatisfying(Lease::release);
        }
    }
}

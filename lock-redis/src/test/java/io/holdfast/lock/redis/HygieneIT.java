package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.lettuce.core.ScanArgs;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many locks come and go; threads, connections, subscriptions and keys do not pile up. */
class HygieneIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private final String namespace = "hy-" + UUID.randomUUID().toString().substring(0, 8);

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long clients(RawRedis raw) {
        return raw.sync().clientList().lines().filter(l -> !l.isBlank()).count();
    }

    /** Runs {@code cycles} acquire/release cycles on 4 threads over two managers. */
    private static void churn(RedisLockManager a, RedisLockManager b, int cycles, int resources)
            throws InterruptedException {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger left = new AtomicInteger(cycles);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            RedisLockManager m = t % 2 == 0 ? a : b;
            Thread w = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (left.getAndDecrement() > 0) {
                    // one cycle in ten on five hot resources, so waiters subscribe and unsubscribe
                    String r = random.nextInt(10) == 0 ? "hot-" + random.nextInt(5) : "r-" + random.nextInt(resources);
                    try (Lease l = m.acquire(r, Duration.ofSeconds(20))) {
                        l.ensureHeld();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join(120_000);
        }
        assertThat(errors).isEmpty();
    }

    /** Makes {@code waiter} wait once for a lock {@code holder} holds. */
    private static void waitOnce(RedisLockManager waiter, RedisLockManager holder) throws Exception {
        Lease held = holder.acquire("warm-up", Duration.ofSeconds(10));
        Thread t = new Thread(() -> {
            try {
                waiter.acquire("warm-up", Duration.ofSeconds(20)).release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.subscribedChannels() == 1);
        held.release();
        t.join(20_000);
    }

    @Test
    void tenThousandCycles_overAThousandResources_leaveNothingBehind() throws Exception {
        try (RawRedis raw = new RawRedis(redis.uri());
                RedisLockManager a = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                        .namespace(namespace).build());
                RedisLockManager b = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri())
                        .namespace(namespace).build())) {
            churn(a, b, 500, 1000);
            waitOnce(a, b); // each manager subscribes to its grant channel on its first wait
            waitOnce(b, a);
            assertThat(raw.sync().pubsubChannels(namespace + ":*")).as("one grant channel per manager").hasSize(2);
            int threadsBefore = threads();
            long clientsBefore = clients(raw);
            assertThat(clientsBefore).as("raw + a command and a pub/sub connection per manager").isEqualTo(5);

            churn(a, b, 10_000, 1000);

            assertThat(raw.sync().pubsubChannels(namespace + ":*")).as("still one per manager").hasSize(2);
            assertThat(a.subscribedChannels()).isOne();
            assertThat(b.subscribedChannels()).isOne();
            assertThat(clients(raw)).as("connections").isEqualTo(clientsBefore);
            await().pollInSameThread().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(threads()).as("threads: %s", Thread.getAllStackTraces().keySet().stream()
                            .map(Thread::getName).sorted().toList()).isLessThanOrEqualTo(threadsBefore));
            // only the fence keys stay (and the open managers' instance registrations): no lock,
            // and no queue once its waiters were served
            assertThat(raw.sync().scan(ScanArgs.Builder.matches(namespace + ":*").limit(100_000)).getKeys())
                    .as("keys left").allMatch(k -> k.endsWith(":fence")
                            || k.startsWith(namespace + ":instance:"));
        }
        try (RawRedis raw = new RawRedis(redis.uri())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> clients(raw) == 1);
        }
    }
}

package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockTimeoutException;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wait queue under churn: six managers (each its own owner id, as separate processes would
 * be) with two threads each contend for one lock with short, random waits, so waiters join,
 * give up, get interrupted and are handed the lock while leaving, all at once. Invariants: never
 * two holders, every grant's token greater than the previous grant's, timeouts only as
 * {@link LockTimeoutException}, and nothing left in Redis (lock or queue) when all are done.
 */
class QueueStressIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void joiningLeavingAndHandingOver_keepExclusionAndTokenOrder_andLeaveNothing() throws Exception {
        String namespace = "qs-" + UUID.randomUUID().toString().substring(0, 8);
        List<RedisLockManager> managers = new ArrayList<>();
        AtomicInteger holders = new AtomicInteger();
        AtomicLong lastToken = new AtomicLong();
        AtomicLong grants = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        List<Thread> threads = new ArrayList<>();
        try (RawRedis raw = new RawRedis(redis.uri())) {
            for (int m = 0; m < 6; m++) {
                RedisLockManager manager = RedisLockManager.create(RedisLockSettings.builder()
                        .uri(redis.uri()).namespace(namespace).build());
                managers.add(manager);
                for (int t = 0; t < 2; t++) {
                    Thread thread = new Thread(() -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (System.nanoTime() < end) {
                            try (Lease lease = manager.acquire("churn", Duration.ofMillis(random.nextInt(30)))) {
                                if (holders.incrementAndGet() != 1) {
                                    violations.add("two holders");
                                }
                                try {
                                    long previous = lastToken.getAndSet(lease.fencingToken());
                                    if (lease.fencingToken() <= previous) {
                                        violations.add("token " + lease.fencingToken() + " after " + previous);
                                    }
                                    grants.incrementAndGet();
                                    if (random.nextInt(4) == 0) {
                                        Thread.sleep(random.nextInt(3));
                                    }
                                } finally {
                                    holders.decrementAndGet();
                                }
                            } catch (LockTimeoutException e) {
                                timeouts.incrementAndGet();
                            } catch (InterruptedException e) {
                                // interrupted by the interrupter thread below: wait again
                                Thread.interrupted();
                            } catch (RuntimeException e) {
                                violations.add(e.toString());
                            }
                        }
                    }, "churn-" + m + "-" + t);
                    threads.add(thread);
                    thread.start();
                }
            }
            Thread interrupter = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < end) {
                    threads.get(random.nextInt(threads.size())).interrupt();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            interrupter.start();
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            interrupter.join(10_000);
            System.out.printf("queue churn: %d grants, %d timeouts%n", grants.get(), timeouts.get());
            assertThat(violations).isEmpty();
            assertThat(grants.get()).isPositive();
            assertThat(timeouts.get()).as("the random waits must make some waiters give up").isPositive();
            String prefix = namespace + ":{churn}:";
            assertThat(raw.sync().exists(prefix + "lock", prefix + "queue", prefix + "queue-expiry"))
                    .as("lock or queue left behind").isZero();
        } finally {
            managers.forEach(RedisLockManager::close);
        }
    }
}

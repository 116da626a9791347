package io.holdfast.lock.redis;

import io.holdfast.lock.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A separate JVM for cross-process tests.
 * <ul>
 * <li>{@code hold <uri> <namespace> <resource> <leaseMs>}: acquires, prints {@code HELD <token>}, then
 *     sleeps until killed.</li>
 * <li>{@code count <uri> <namespace> <resource> <threads> <iterations>}: each thread increments a
 *     counter kept in Redis with an unsynchronised GET then SET under the lock, and checks that every
 *     grant's token exceeds the last token written by any process, and appends its pid to a list of
 *     grants; prints {@code READY}, starts when the key {@code <namespace>:go} exists, then prints
 *     {@code VIOLATIONS <n>}.</li>
 * </ul>
 */
public final class LockWorkerMain {

    private LockWorkerMain() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String uri = args[1];
        String namespace = args[2];
        String resource = args[3];
        if (mode.equals("hold")) {
            RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(uri)
                    .namespace(namespace).lease(Duration.ofMillis(Long.parseLong(args[4]))).build());
            Lease lease = m.acquire(resource, Duration.ofSeconds(30));
            System.out.println("HELD " + lease.fencingToken());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            return;
        }
        int threads = Integer.parseInt(args[4]);
        int iterations = Integer.parseInt(args[5]);
        AtomicInteger violations = new AtomicInteger();
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder().uri(uri)
                        .namespace(namespace).build());
                RawRedis raw = new RawRedis(uri)) {
            // start together: the test sets the go key once every worker is ready
            System.out.println("READY");
            System.out.flush();
            while (raw.sync().get(namespace + ":go") == null) {
                Thread.sleep(5);
            }
            String counter = namespace + ":counter";
            String lastToken = namespace + ":last-token";
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    for (int i = 0; i < iterations; i++) {
                        try (Lease lease = m.acquire(resource, Duration.ofSeconds(60))) {
                            String last = raw.sync().get(lastToken);
                            if (last != null && Long.parseLong(last) >= lease.fencingToken()) {
                                violations.incrementAndGet();
                            }
                            String n = raw.sync().get(counter);
                            raw.sync().set(counter, Long.toString(n == null ? 1 : Long.parseLong(n) + 1));
                            raw.sync().set(lastToken, Long.toString(lease.fencingToken()));
                            raw.sync().rpush(namespace + ":grants", Long.toString(ProcessHandle.current().pid()));
                        } catch (Exception e) {
                            violations.incrementAndGet();
                            e.printStackTrace();
                        }
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }
        }
        System.out.println("VIOLATIONS " + violations.get());
        System.exit(0);
    }
}

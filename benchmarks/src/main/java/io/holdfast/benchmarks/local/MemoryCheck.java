package io.holdfast.benchmarks.local;

import io.holdfast.benchmarks.Trees;
import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.local.LocalLockManager;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.testkit.redis.RedisNode;
import io.holdfast.lock.testkit.redis.RedisTopology;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Issue 6's memory check: acquires and releases many distinct resources through each manager and
 * measures the heap after a full GC before and after, with the manager still open. A manager that
 * keeps per-resource state after release shows tens of bytes or more per resource; one that
 * does not shows a retained size near zero. For Redis it also reports the keys and memory left on
 * the server, and for the file manager the lock files left on disk (both kept on purpose: they
 * hold the fencing counters).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.holdfast.benchmarks.local.MemoryCheck
 *     [local-count] [file-count] [redis-count]</pre>
 */
public final class MemoryCheck {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int THREADS = 8;

    private MemoryCheck() {
    }

    /** Runs the check (defaults: 1,000,000 local, 200,000 file and 200,000 Redis resources). */
    public static void main(String[] args) throws Exception {
        int localCount = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int fileCount = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int redisCount = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        System.out.println(run(localCount, fileCount, redisCount));
    }

    /**
     * Runs the three managers (a count of 0 skips one) and returns a Markdown table.
     *
     * @throws Exception if a manager fails or Redis cannot be started
     */
    public static String run(int localCount, int fileCount, int redisCount) throws Exception {
        StringBuilder table = new StringBuilder("| manager | distinct resources | time (s) | heap retained after GC "
                + "(bytes, total) | bytes per resource | left outside the heap |\n| --- | ---: | ---: | ---: | ---: | --- |\n");
        table.append(measure("LocalLockManager", localCount, LocalLockManager::create, () -> "nothing"));
        Path directory = Files.createTempDirectory("holdfast-memory");
        try {
            table.append(measure("FileLockManager", fileCount,
                    () -> FileLockManager.create(FileLockSettings.of(directory)),
                    () -> count(directory) + " lock files (fencing counters, kept by design)"));
        } finally {
            Trees.delete(directory);
        }
        try (RedisTopology redis = RedisTopology.start(RedisTopologySpec.standalone().name("memory").build())) {
            RedisNode node = redis.primary();
            table.append(measure("RedisLockManager", redisCount, () -> RedisLockManager.create(redis.uri()),
                    () -> node.cli("DBSIZE") + " keys, used_memory " + node.cli("INFO", "memory").lines()
                            .filter(l -> l.startsWith("used_memory_human:")).findFirst().orElse("?")
                            .substring("used_memory_human:".length())));
        }
        return table.toString();
    }

    private static String measure(String name, int count, Supplier<LockManager> open, Supplier<String> outside)
            throws Exception {
        if (count <= 0) {
            return "";
        }
        try (LockManager manager = open.get()) {
            churn(manager, "warm-", 10_000);
            long before = heapAfterGc();
            long start = System.nanoTime();
            churn(manager, "r-", count);
            double seconds = (System.nanoTime() - start) / 1e9;
            long retained = heapAfterGc() - before;
            return String.format(Locale.ROOT, "| %s | %,d | %.1f | %,d | %.2f | %s |%n", name, count, seconds,
                    retained, (double) retained / count, outside.get());
        }
    }

    /** Acquires and releases {@code count} distinct resources on {@value #THREADS} threads. */
    private static void churn(LockManager manager, String prefix, int count) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        Lease lease = manager.acquire(prefix + i, WAIT);
                        lease.release();
                    }
                } catch (InterruptedException | RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " threads failed; first: " + failures.get(0),
                    failures.get(0));
        }
    }

    /** Used heap after full collections, once it stops shrinking. */
    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }

    private static long count(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }
}

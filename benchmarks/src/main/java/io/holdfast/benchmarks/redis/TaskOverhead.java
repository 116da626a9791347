package io.holdfast.benchmarks.redis;

import io.holdfast.lock.ExclusiveTasks;
import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.TaskResult;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exclusive-task overhead (issue 16): what {@link ExclusiveTasks#run} costs for a tick that runs (an
 * empty body) and for one that is skipped because another manager holds the task's lock, beside
 * plain {@code acquire} + {@code release}, {@code tryAcquire} + {@code release} and a
 * {@code tryAcquire} miss (also with {@code cacheMisses(true)}: answered from the miss cache
 * after the first). One thread in the harness JVM, one {@link RedisLockManager} with its
 * defaults (no status manager: no minimum hold), against the harness's Redis. Each call is timed
 * alone (median and p99 in PING round trips); commands executed per call come from
 * {@code INFO commandstats} over the timed calls, commands sent from a {@code MONITOR} sample
 * taken while the same call runs on.
 */
final class TaskOverhead {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FREE = "task-free";
    private static final String HELD = "task-held";

    private TaskOverhead() {
    }

    /** One measured call. */
    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** Measures every call {@code calls} times (after as many to warm up) and returns a Markdown table. */
    static String table(String redisUri, ServerProbe probe, long rttNanos, int calls) throws Exception {
        StringBuilder text = new StringBuilder("\n### Exclusive-task overhead (1 thread, 1 Redis manager)\n\n"
                + "| call | p50 / p99 (RTT) [p50 µs] | commands sent / executed per call |\n| --- | ---: | ---: |\n");
        try (LockManager holder = RedisLockManager.create(RedisLockSettings.of(redisUri));
                LockManager locks = RedisLockManager.create(RedisLockSettings.of(redisUri));
                LockManager cached = RedisLockManager.create(RedisLockSettings.builder().uri(redisUri)
                        .cacheMisses(true).build());
                ExclusiveTasks tasks = ExclusiveTasks.builder(locks).build();
                ExclusiveTasks cachedTasks = ExclusiveTasks.builder(cached).build()) {
            Lease held = holder.acquire(HELD, WAIT);
            try {
                text.append(row("`acquire` + `release` (free lock)", () -> locks.acquire(FREE, WAIT).release(),
                        probe, rttNanos, calls));
                text.append(row("`tryAcquire` + `release` (free lock)", () -> locks.tryAcquire(FREE)
                        .orElseThrow(() -> new IllegalStateException(FREE + " was not free")).release(),
                        probe, rttNanos, calls));
                text.append(row("`tryAcquire` miss (another manager holds it)", () -> {
                    if (locks.tryAcquire(HELD).isPresent()) {
                        throw new IllegalStateException("tryAcquire got " + HELD + " while another manager held it");
                    }
                }, probe, rttNanos, calls));
                text.append(row("`tryAcquire` miss, `cacheMisses(true)`", () -> {
                    if (cached.tryAcquire(HELD).isPresent()) {
                        throw new IllegalStateException("tryAcquire got " + HELD + " while another manager held it");
                    }
                }, probe, rttNanos, calls));
                text.append(row("`ExclusiveTasks.run`, tick that runs (empty body)",
                        () -> expect(tasks.run(FREE, lease -> { }), TaskResult.Outcome.RAN), probe, rttNanos, calls));
                text.append(row("`ExclusiveTasks.run`, tick skipped (another manager holds it)",
                        () -> expect(tasks.run(HELD, lease -> { }), TaskResult.Outcome.SKIPPED_HELD),
                        probe, rttNanos, calls));
                text.append(row("`ExclusiveTasks.run`, tick skipped, `cacheMisses(true)`",
                        () -> expect(cachedTasks.run(HELD, lease -> { }), TaskResult.Outcome.SKIPPED_HELD),
                        probe, rttNanos, calls));
            } finally {
                held.release();
            }
        }
        return text.toString();
    }

    private static void expect(TaskResult result, TaskResult.Outcome outcome) {
        if (result.outcome() != outcome) {
            throw new IllegalStateException("expected " + outcome + " but the run ended " + result);
        }
    }

    private static String row(String name, Call call, ServerProbe probe, long rttNanos, int calls) throws Exception {
        for (int i = 0; i < calls; i++) { // as many to warm up: the first row would pay for the JIT
            call.run();
        }
        long[] samples = new long[calls];
        Map<String, Long> before = probe.commandCalls();
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.run();
            samples[i] = System.nanoTime() - start;
        }
        Map<String, Long> after = probe.commandCalls();
        double executed = (double) ServerProbe.executedBetween(before, after) / calls;
        double sentPerExecuted = sentPerExecuted(call, probe);
        Arrays.sort(samples);
        long p50 = samples[calls / 2];
        long p99 = samples[Math.min(calls - 1, (int) (calls * 0.99))];
        return String.format(Locale.ROOT, "| %s | %.2f / %.2f [%.0f] | %.1f / %.1f |%n", name, (double) p50 / rttNanos,
                (double) p99 / rttNanos, p50 / 1e3, executed == 0 ? 0 : executed * sentPerExecuted, executed);
    }

    /** The share of commands clients sent among those Redis executed while {@code call} runs in a loop. */
    private static double sentPerExecuted(Call call, ServerProbe probe) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        Thread loop = new Thread(() -> {
            while (!stop.get()) {
                try {
                    call.run();
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            }
        }, "task-overhead-monitored");
        loop.start();
        long[] sentExecuted;
        try {
            sentExecuted = probe.monitorSample(300);
        } finally {
            stop.set(true);
            loop.join();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " calls failed while MONITOR watched");
        }
        return sentExecuted[1] == 0 ? Double.NaN : (double) sentExecuted[0] / sentExecuted[1];
    }
}

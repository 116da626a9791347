package io.holdfast.benchmarks.local;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.LocalLockManager;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The uncontended local cycle in <em>thread CPU time</em>, which a loaded machine disturbs far
 * less than JMH's wall-clock time: rounds of {@code ReentrantLock} lock + unlock and of
 * {@link LocalLockManager} acquire + release of one resource, alternating in one JVM, each timed
 * by the calling thread's CPU clock; prints the median and minimum ns per cycle of each, and
 * of one {@link System#nanoTime()} read (the cycle reads the clock once).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.holdfast.benchmarks.local.CycleCpu [rounds]</pre>
 */
public final class CycleCpu {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CYCLES = 2_000_000;
    private static long sink;

    private CycleCpu() {}

    /** Runs the rounds (default 15) after 5 warm-up rounds and prints one line. */
    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        ReentrantLock bare = new ReentrantLock();
        double[] floor = new double[rounds];
        double[] local = new double[rounds];
        double[] clock = new double[rounds];
        try (LocalLockManager manager = LocalLockManager.create()) {
            for (int i = 0; i < 5; i++) {
                bare(bare);
                local(manager);
            }
            for (int r = 0; r < rounds; r++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                bare(bare);
                long t1 = cpu.getCurrentThreadCpuTime();
                local(manager);
                long t2 = cpu.getCurrentThreadCpuTime();
                clock();
                long t3 = cpu.getCurrentThreadCpuTime();
                floor[r] = (t1 - t0) / (double) CYCLES;
                local[r] = (t2 - t1) / (double) CYCLES;
                clock[r] = (t3 - t2) / (double) CYCLES;
            }
        }
        Arrays.sort(floor);
        Arrays.sort(local);
        Arrays.sort(clock);
        System.out.printf(Locale.ROOT, "thread CPU ns per cycle, median (min) of %d rounds:"
                + " ReentrantLock %.1f (%.1f), LocalLockManager %.1f (%.1f),"
                + " System.nanoTime() %.1f (%.1f)%n", rounds, floor[rounds / 2], floor[0],
                local[rounds / 2], local[0], clock[rounds / 2], clock[0]);
    }

    private static void bare(ReentrantLock lock) {
        for (int i = 0; i < CYCLES; i++) {
            lock.lock();
            lock.unlock();
        }
    }

    private static void clock() {
        long sum = 0;
        for (int i = 0; i < CYCLES; i++) {
            sum += System.nanoTime();
        }
        sink += sum;
    }

    private static void local(LocalLockManager manager) throws InterruptedException {
        long tokens = 0;
        for (int i = 0; i < CYCLES; i++) {
            Lease lease = manager.acquire("r", WAIT);
            tokens += lease.fencingToken();
            lease.release();
        }
        sink += tokens;
    }
}

package io.holdfast.benchmarks.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * S1 on a loaded machine, interleaved: one thread, one JVM, the contenders take turns in blocks of
 * {@code block} lock+unlock cycles, {@code rounds} times, each block timed alone, with a block of
 * {@code PING}s between turns as the round-trip reference. Turns a few hundred milliseconds long
 * see about the same load, which separate worker JVMs measured seconds apart do not: on a machine
 * whose load average moves between 10 and 30 the per-repetition ratios of {@link RedisLockBench}
 * S1 spread over 0.3-3×. Prints, per contender, the median over blocks of µs per cycle, of
 * cycles in RTTs (each block against the PING block just before it) and the ratio of ops/s to
 * Redisson's in the same round.
 *
 * <p>With {@code -Dmisses=true}, the single-thread S5 instead: a second instance of each contender
 * holds the lock and the measured one calls {@code tryAcquire} on it (each call a miss).
 *
 * <pre>java [-Dmisses=true] -cp benchmarks.jar io.holdfast.benchmarks.redis.InterleavedCycles redis://127.0.0.1:port
 *     [rounds=30] [block=300] [contenders=holdfast,holdfast-nowait,redisson,spring-pubsub]</pre>
 */
public final class InterleavedCycles {

    private InterleavedCycles() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int block = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        List<ContenderKind> kinds = Arrays.stream((args.length > 3 ? args[3]
                : "holdfast,holdfast-nowait,redisson,spring-pubsub").split(","))
                .map(ContenderKind::byLabel).toList();
        int redisson = kinds.indexOf(ContenderKind.REDISSON);
        boolean misses = Boolean.getBoolean("misses");
        List<Contender> contenders = new ArrayList<>();
        List<Contender> holders = new ArrayList<>();
        for (ContenderKind k : kinds) {
            contenders.add(k.open(uri, null));
            if (misses) {
                Contender holder = k.open(uri, null);
                holder.acquire("held-" + k.label); // kept until the end, on this thread
                holders.add(holder);
            }
        }
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> ping = client.connect()) {
            for (int k = 0; k < kinds.size(); k++) { // warm-up: caches, connections, JIT
                run(contenders.get(k), misses, kinds.get(k), 2_000);
            }
            double[][] micros = new double[kinds.size()][rounds];
            double[][] rtts = new double[kinds.size()][rounds];
            double[][] ratio = new double[kinds.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < kinds.size(); i++) {
                    int k = (i + r) % kinds.size(); // rotate the order every round
                    double rtt = pingMicros(ping, 100);
                    micros[k][r] = run(contenders.get(k), misses, kinds.get(k), block) / 1_000.0 / block;
                    rtts[k][r] = micros[k][r] / rtt;
                }
                for (int k = 0; k < kinds.size(); k++) {
                    ratio[k][r] = redisson < 0 ? Double.NaN : micros[redisson][r] / micros[k][r];
                }
            }
            String what = misses ? "tryAcquire miss" : "lock+unlock";
            System.out.printf("| contender | µs per %s (median of %d blocks of %d) | RTT per %s | ×"
                    + " Redisson (ops/s, median of per-round ratios) |%n", what, rounds, block, what);
            System.out.println("| --- | ---: | ---: | ---: |");
            for (int k = 0; k < kinds.size(); k++) {
                System.out.printf("| %s | %.0f | %.2f | %.2f× |%n", kinds.get(k).label,
                        median(micros[k]), median(rtts[k]), median(ratio[k]));
            }
            System.out.printf("PING RTT median %.0f µs; load average %s%n", pingMicros(ping, 1_000),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            for (Contender c : contenders) {
                c.close();
            }
            for (Contender c : holders) {
                c.close();
            }
            client.shutdown();
        }
    }

    /** Nanoseconds for {@code n} cycles, or {@code n} misses on the lock the holder keeps. */
    private static long run(Contender c, boolean misses, ContenderKind kind, int n) throws Exception {
        if (!misses) {
            return cycles(c, "s1-" + kind.label, n);
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (c.tryAcquire("held-" + kind.label) != null) {
                throw new IllegalStateException(kind.label + ": tryAcquire got a held lock");
            }
        }
        return System.nanoTime() - start;
    }

    /** Nanoseconds for {@code n} lock+unlock cycles of {@code resource} on this thread. */
    private static long cycles(Contender c, String resource, int n) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            c.release(c.acquire(resource));
        }
        return System.nanoTime() - start;
    }

    /** The median µs of {@code n} PING round trips. */
    private static double pingMicros(StatefulRedisConnection<String, String> c, int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            c.sync().ping();
            t[i] = (System.nanoTime() - s) / 1_000.0;
        }
        return median(t);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}

package io.holdfast.benchmarks.redis;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client cost of a lock+unlock cycle, by thread kind, from the JVM's own per-thread counters
 * rather than from wall time: CPU time ({@code ThreadMXBean.getThreadCpuTime}) and bytes
 * allocated ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}, exact) of the
 * calling threads, of the client's event-loop threads (Netty) and of the rest (JIT, GC, timers),
 * per cycle. Bytes do not depend on the machine's load; CPU time does much less than wall time,
 * so two builds can be compared on a shared machine by running this once per build, alternately.
 * The contenders take turns in blocks of {@code cycles} ({@code threads} threads, each cycle on
 * one of {@code resources} names at random: 1/1 is S1, 8/1000 S4), {@code rounds} times, after
 * one block each to warm up; the figures are the totals over the rounds divided by the cycles.
 *
 * <pre>java -cp benchmarks.jar io.holdfast.benchmarks.redis.CycleCost redis://127.0.0.1:port
 *     [rounds=5] [cycles=20000] [threads=1] [resources=1] [contenders=holdfast,holdfast-nowait]</pre>
 */
public final class CycleCost {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private CycleCost() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int resources = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        List<ContenderKind> kinds = Arrays.stream((args.length > 5 ? args[5]
                : "holdfast,holdfast-nowait").split(",")).map(ContenderKind::byLabel).toList();
        List<Contender> contenders = new ArrayList<>();
        for (ContenderKind k : kinds) {
            contenders.add(k.open(uri, null));
        }
        try {
            for (Contender c : contenders) {
                block(c, cycles, threads, resources); // warm-up: connections, JIT
            }
            long[][] totals = new long[kinds.size()][6];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < kinds.size(); i++) {
                    int k = (i + r) % kinds.size();
                    long[] t = block(contenders.get(k), cycles, threads, resources);
                    for (int j = 0; j < t.length; j++) {
                        totals[k][j] += t[j];
                    }
                }
            }
            long n = (long) rounds * cycles;
            System.out.printf("| contender | CPU µs per cycle: callers / event loop / other / all"
                    + " | bytes per cycle: callers / event loop / other |%n| --- | ---: | ---: |%n");
            for (int k = 0; k < kinds.size(); k++) {
                long[] t = totals[k];
                System.out.printf("| %s | %.1f / %.1f / %.1f / %.1f | %d / %d / %d |%n",
                        kinds.get(k).label, t[0] / 1e3 / n, t[1] / 1e3 / n, t[2] / 1e3 / n,
                        (t[0] + t[1] + t[2]) / 1e3 / n, t[3] / n, t[4] / n, t[5] / n);
            }
            System.out.printf("%d rounds x %d cycles, %d thread(s), %d resource(s); load average"
                    + " %.1f%n", rounds, cycles, threads, resources,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            for (Contender c : contenders) {
                c.close();
            }
        }
    }

    /**
     * Runs {@code cycles} cycles on {@code threads} new threads; returns CPU ns of the callers,
     * the event loops and the rest, then bytes allocated by the same three.
     */
    private static long[] block(Contender c, int cycles, int threads, int resources)
            throws Exception {
        Map<Long, long[]> before = counters();
        Thread[] callers = new Thread[threads];
        Throwable[] failure = new Throwable[1];
        AtomicLong callerCpu = new AtomicLong();
        AtomicLong callerBytes = new AtomicLong();
        for (int i = 0; i < threads; i++) {
            int share = cycles / threads + (i < cycles % threads ? 1 : 0);
            callers[i] = new Thread(() -> {
                long id = Thread.currentThread().getId();
                long cpu = THREADS.getCurrentThreadCpuTime();
                long bytes = THREADS.getThreadAllocatedBytes(id);
                try {
                    for (int j = 0; j < share; j++) {
                        int r = resources == 1 ? 0 : ThreadLocalRandom.current().nextInt(resources);
                        c.release(c.acquire("cost-" + r));
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
                callerCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu);
                callerBytes.addAndGet(THREADS.getThreadAllocatedBytes(id) - bytes);
            }, "bench-caller-" + i);
            callers[i].start();
        }
        for (Thread t : callers) {
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("a caller failed", failure[0]);
        }
        Map<Long, long[]> after = counters();
        long[] out = new long[6];
        out[0] = callerCpu.get();
        out[3] = callerBytes.get();
        for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            String name = threadName(e.getKey());
            boolean loop = name.contains("EventLoop") || name.contains("netty");
            out[loop ? 1 : 2] += e.getValue()[0] - b[0];
            out[loop ? 4 : 5] += e.getValue()[1] - b[1];
        }
        return out;
    }

    private static String threadName(long id) {
        java.lang.management.ThreadInfo info = THREADS.getThreadInfo(id);
        return info == null ? "" : info.getThreadName();
    }

    /** CPU ns and bytes allocated of every live thread but the callers, by id. */
    private static Map<Long, long[]> counters() {
        Map<Long, long[]> m = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            if (threadName(id).startsWith("bench-caller-")) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(id);
            long bytes = THREADS.getThreadAllocatedBytes(id);
            if (cpu >= 0 && bytes >= 0) {
                m.put(id, new long[] {cpu, bytes});
            }
        }
        return m;
    }

}

package io.holdfast.benchmarks;

import io.holdfast.benchmarks.local.LocalLockBench;
import io.holdfast.benchmarks.local.MemoryCheck;
import io.holdfast.benchmarks.redis.RedisLockBench;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Everything issues 6 and 16 ask for, in one command: the Redis harness (S1-S6 and the
 * exclusive-task table, all contenders), the JMH in-process benchmarks with the GC profiler, and
 * the memory check. Arguments go to
 * {@link RedisLockBench}. Prints Markdown.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar</pre>
 */
public final class RunAll {

    private RunAll() {
    }

    /** Runs the three parts in turn. */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        RedisLockBench.main(args);
        System.out.println("\n## In-process (JMH, 1 thread, uncontended; about a minute)\n");
        System.out.println(jmh());
        System.out.println("\n## Memory: distinct resources leave no per-resource state\n");
        System.out.println(MemoryCheck.run(1_000_000, 200_000, 200_000));
        System.out.printf(Locale.ROOT, "%nTotal time %.1f min%n", (System.nanoTime() - start) / 60e9);
    }

    private static String jmh() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(LocalLockBench.class.getName())
                .addProfiler(GCProfiler.class)
                .verbosity(VerboseMode.SILENT)
                .build()).run();
        StringBuilder table = new StringBuilder("| benchmark | ns/op | ± (99.9%) | allocated B/op |\n"
                + "| --- | ---: | ---: | ---: |\n");
        for (RunResult result : results) {
            Result<?> primary = result.getPrimaryResult();
            Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
            table.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s |%n",
                    result.getParams().getBenchmark().replaceFirst(".*\\.", ""), primary.getScore(),
                    primary.getScoreError(), alloc == null ? "?" : String.format(Locale.ROOT, "%.0f", alloc.getScore())));
        }
        return table.toString();
    }
}

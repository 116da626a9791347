package io.holdfast.benchmarks.redis;

import io.holdfast.benchmarks.Trees;
import io.holdfast.lock.testkit.redis.RedisTopology;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis lock harness of issues 6 and 16: holdfast against Redisson, Spring Integration's
 * {@code RedisLockRegistry} (both lock types) and a naive polling lock, on scenarios S1-S6 and the
 * exclusive-task overhead ({@link TaskOverhead}), against one
 * private {@code redis-server} on a free port. Every case runs in fresh worker JVMs; repetitions are
 * interleaved (each repetition runs every scenario and every contender, in a rotated order). Prints a
 * line per case and then Markdown tables of the medians. See {@code docs/BENCHMARKS.md}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.holdfast.benchmarks.redis.RedisLockBench [--contenders
 * holdfast,redisson] [--scenarios S1,S3] [--repetitions 3] [--warmup 2s] [--measure 4s]</pre>
 */
public final class RedisLockBench {

    /** Calls per row of the exclusive-task table. */
    private static final int TASK_CALLS = 2_000;

    private RedisLockBench() {
    }

    /** Runs the harness with {@link BenchOptions#parse command-line options} and prints to stdout. */
    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        List<CaseResult> results = run(options, System.out);
        System.out.println(Report.tables(results, options));
    }

    /**
     * Runs every case of {@code options}, printing one line per case to {@code log}, then (unless
     * turned off) the exclusive-task table.
     */
    static List<CaseResult> run(BenchOptions options, PrintStream log) throws Exception {
        Path work = Files.createTempDirectory("holdfast-bench");
        RedisTopologySpec spec = RedisTopologySpec.standalone().name("bench").build();
        List<CaseResult> results = new ArrayList<>();
        try (RedisTopology redis = RedisTopology.start(spec);
                ServerProbe probe = new ServerProbe(redis.primary().host(), redis.primary().port())) {
            log.println("redis-server " + redis.primary().cli("INFO", "server").lines()
                    .filter(l -> l.startsWith("redis_version:")).findFirst().orElse("?") + " on " + redis.uri()
                    + "; Java " + Runtime.version() + "; " + Runtime.getRuntime().availableProcessors() + " CPUs");
            CaseRunner runner = new CaseRunner(options, probe, redis.uri(), work);
            for (int rep = 1; rep <= options.repetitions(); rep++) {
                long rtt = probe.pingRttNanos();
                log.printf("repetition %d: PING RTT %d µs%n", rep, rtt / 1000);
                for (Scenario scenario : options.scenarios()) {
                    for (ContenderKind kind : options.orderFor(rep - 1)) {
                        if (!kind.runs(scenario)) {
                            continue;
                        }
                        CaseResult result;
                        try {
                            result = runner.run(kind, scenario, rep, rtt);
                        } catch (IllegalStateException e) {
                            // a worker that did not start or report (e.g. a connect timeout on a loaded
                            // host) costs its case, not the run; the tables count only the cases that ran
                            log.printf("rep %d %s %s FAILED, case left out: %s%n", rep, scenario, kind.label,
                                    e.getMessage());
                            continue;
                        }
                        results.add(result);
                        log.println(Report.caseLine(result));
                    }
                }
            }
            if (options.taskOverhead()) {
                log.println(TaskOverhead.table(redis.uri(), probe, probe.pingRttNanos(), TASK_CALLS));
            }
        } finally {
            Trees.delete(work);
        }
        return results;
    }
}

package io.holdfast.benchmarks.redis;

import io.holdfast.lock.internal.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Command-line options of {@link RedisLockBench}: {@code --contenders a,b} (labels of
 * {@link ContenderKind}), {@code --scenarios S1,S3}, {@code --repetitions 3}, {@code --warmup 2s},
 * {@code --measure 4s}, {@code --worker-heap 512m}, {@code --profile <dir>} (a JFR recording per worker
 * JVM, kept in that directory), {@code --task-overhead true|false} (the exclusive-task table, default
 * true). Immutable.
 *
 * @param profile where worker JVMs write their JFR recordings, or null for no recording
 */
record BenchOptions(List<ContenderKind> contenders, List<Scenario> scenarios, int repetitions, Duration warmup,
        Duration measure, String workerHeap, Path profile, boolean taskOverhead) {

    /** Every contender. */
    static final List<ContenderKind> DEFAULT_CONTENDERS = List.of(ContenderKind.HOLDFAST,
            ContenderKind.HOLDFAST_FAST_RELEASE, ContenderKind.REDISSON,
            ContenderKind.SPRING_PUB_SUB, ContenderKind.SPRING_SPIN, ContenderKind.NAIVE, ContenderKind.HOLDFAST_FILE);

    BenchOptions {
        contenders = List.copyOf(contenders);
        scenarios = List.copyOf(scenarios);
        if (contenders.isEmpty() || scenarios.isEmpty()) {
            throw new IllegalArgumentException("need at least one contender and one scenario");
        }
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be at least 1, but was " + repetitions);
        }
        if (measure.toMillis() < 200) {
            throw new IllegalArgumentException("measure must be at least 200ms, but was " + measure.toMillis() + "ms");
        }
    }

    static BenchOptions ofDefaults() {
        return new BenchOptions(DEFAULT_CONTENDERS, List.of(Scenario.values()), 3, Duration.ofSeconds(2),
                Duration.ofSeconds(4), "512m", null, true);
    }

    /** Parses {@code --name value} pairs over the defaults. */
    static BenchOptions parse(String... args) {
        BenchOptions o = ofDefaults();
        List<ContenderKind> contenders = o.contenders;
        List<Scenario> scenarios = o.scenarios;
        int repetitions = o.repetitions;
        Duration warmup = o.warmup;
        Duration measure = o.measure;
        String heap = o.workerHeap;
        Path profile = o.profile;
        boolean taskOverhead = o.taskOverhead;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--contenders" -> contenders = Arrays.stream(value.split(","))
                        .map(ContenderKind::byLabel).collect(Collectors.toList());
                case "--scenarios" -> scenarios = Arrays.stream(value.split(","))
                        .map(s -> Scenario.valueOf(s.toUpperCase(Locale.ROOT))).collect(Collectors.toList());
                case "--repetitions" -> repetitions = Integer.parseInt(value);
                case "--warmup" -> warmup = Durations.parse(args[i], value);
                case "--measure" -> measure = Durations.parse(args[i], value);
                case "--worker-heap" -> heap = value;
                case "--profile" -> profile = Path.of(value);
                case "--task-overhead" -> taskOverhead = Boolean.parseBoolean(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known: --contenders, "
                        + "--scenarios, --repetitions, --warmup, --measure, --worker-heap, --profile, --task-overhead");
            }
        }
        return new BenchOptions(contenders, scenarios, repetitions, warmup, measure, heap, profile, taskOverhead);
    }

    long warmupNanos() {
        return warmup.toNanos();
    }

    long measureNanos() {
        return measure.toNanos();
    }

    /** The contenders of repetition {@code r}, rotated so no contender always runs first or last. */
    List<ContenderKind> orderFor(int repetition) {
        List<ContenderKind> order = new ArrayList<>(contenders);
        Collections.rotate(order, -repetition);
        return order;
    }
}

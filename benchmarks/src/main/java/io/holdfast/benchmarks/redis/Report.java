package io.holdfast.benchmarks.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Markdown tables of the medians over repetitions, one table per scenario. */
final class Report {

    private Report() {
    }

    /** One line per case, printed as the harness goes. */
    static String caseLine(CaseResult r) {
        if (!r.isSupported()) {
            return String.format(Locale.ROOT, "rep %d %s %-14s n/a (%s)", r.repetition(), r.scenario(), r.kind().label,
                    r.unsupported());
        }
        return String.format(Locale.ROOT, "rep %d %s %-14s %9.0f ops/s  cycle p50 %5.2f RTT  wait max %7.1f ms  "
                        + "handoff %5s  cmds %5s/%5s  redis scripts %5s us  cpu %6.1f us  load %.1f  %s%s",
                r.repetition(), r.scenario(), r.kind().label, r.opsPerSecond(), r.inRtt(r.cycles().quantile(0.5)),
                r.waits().max() / 1e6, percent(r.handoffShare()), number(r.sentPerCycle()),
                number(r.executedPerCycle()), number(r.scriptMicrosPerCycle()), r.cpuMicrosPerCycle(), r.loadAverage(),
                (r.exclusive() ? "exclusive" : "EXCLUSION VIOLATED (" + r.counter() + " != " + r.allGrants() + ")")
                        + ", tokens " + r.tokenVerdict(),
                r.errors() == 0 ? "" : "  errors " + r.errors() + ": " + r.firstError())
                + (r.diagnostics().isEmpty() ? "" : "\n    " + String.join("\n    ", r.diagnostics()));
    }

    static String tables(List<CaseResult> results, BenchOptions options) {
        StringBuilder text = new StringBuilder();
        for (Scenario scenario : options.scenarios()) {
            if (scenario.shape == Scenario.Shape.MISS) {
                text.append(missTable(scenario, results, options));
                continue;
            }
            text.append("\n### ").append(scenario).append(": ").append(scenario.title).append("\n\n")
                    .append("| contender | ops/s | × Redisson | lock+unlock p50 / p99 (RTT) | wait p50 / p99 / max (ms) "
                            + "| handoff share | handoff p50 / p99 (RTT) [p50 µs] | commands sent / executed per cycle "
                            + "| client CPU µs per cycle | slowest thread (share of mean) | exclusion, tokens |\n")
                    .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
            for (ContenderKind kind : options.contenders()) {
                List<CaseResult> runs = results.stream()
                        .filter(r -> r.kind() == kind && r.scenario() == scenario).toList();
                if (!runs.isEmpty()) {
                    text.append(row(kind, runs, results)).append('\n');
                }
            }
        }
        List<CaseResult> measured = results.stream().filter(CaseResult::isSupported).toList();
        long rtt = (long) median(results, CaseResult::rttNanos);
        text.append("\nMedians of ").append(options.repetitions()).append(" repetitions of ")
                .append(options.measure().toMillis() / 1000.0).append(" s (after ")
                .append(options.warmup().toMillis() / 1000.0).append(" s warm-up) per case; 1 RTT = one Lettuce PING "
                        + "round trip, median ").append(rtt / 1000).append(" µs. Host load average (1 min) during the cases: "
                        + "median ").append(String.format(Locale.ROOT, "%.1f", median(measured, CaseResult::loadAverage)))
                .append(", max ").append(String.format(Locale.ROOT, "%.1f", measured.stream()
                        .mapToDouble(CaseResult::loadAverage).max().orElse(Double.NaN)))
                .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs.\n");
        return text.toString();
    }

    /**
     * S5: misses per second, the ratios to Redisson and to Spring's registry (each in the same
     * repetition), miss latency in RTTs, commands per miss.
     */
    private static String missTable(Scenario scenario, List<CaseResult> results, BenchOptions options) {
        StringBuilder text = new StringBuilder("\n### ").append(scenario).append(": ").append(scenario.title)
                .append("\n\n| contender | misses/s | × Redisson | × Spring pub/sub | × Spring spin "
                        + "| miss p50 / p99 (RTT) [p50 µs] | commands sent / executed per miss | client CPU µs per miss "
                        + "| slowest thread (share of mean) | errors (a tryAcquire that got the lock) |\n"
                        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (ContenderKind kind : options.contenders()) {
            List<CaseResult> runs = results.stream().filter(r -> r.kind() == kind && r.scenario() == scenario).toList();
            if (runs.isEmpty()) {
                continue;
            }
            if (runs.stream().noneMatch(CaseResult::isSupported)) {
                text.append(unsupportedRow(kind, runs, 8)).append('\n');
                continue;
            }
            long errors = runs.stream().mapToLong(CaseResult::errors).sum();
            text.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s | %s | %.2f / %.2f [%.0f] | %s / %s | %.1f "
                            + "| %.2f | %s |%n",
                    kind.label, median(runs, CaseResult::opsPerSecond), ratio(runs, results, ContenderKind.REDISSON),
                    ratio(runs, results, ContenderKind.SPRING_PUB_SUB), ratio(runs, results, ContenderKind.SPRING_SPIN),
                    median(runs, r -> r.inRtt(r.cycles().quantile(0.5))), median(runs, r -> r.inRtt(r.cycles().quantile(0.99))),
                    median(runs, r -> r.cycles().quantile(0.5) / 1e3),
                    number(median(runs, CaseResult::sentPerCycle)), number(median(runs, CaseResult::executedPerCycle)),
                    median(runs, CaseResult::cpuMicrosPerCycle), median(runs, CaseResult::minThreadShare),
                    errors == 0 ? "0" : "**" + errors + "**: " + runs.stream().map(CaseResult::firstError)
                            .filter(e -> !e.isEmpty()).findFirst().orElse("")));
        }
        return text.toString();
    }

    private static String unsupportedRow(ContenderKind kind, List<CaseResult> runs, int emptyColumns) {
        return "| " + kind.label + " | n/a (" + runs.get(0).unsupported() + ")" + " | –".repeat(emptyColumns) + " |";
    }

    /** The median over repetitions of {@code runs}' ops/s over {@code base}'s in the same scenario and repetition. */
    private static String ratio(List<CaseResult> runs, List<CaseResult> all, ContenderKind base) {
        List<Double> ratios = new ArrayList<>();
        for (CaseResult run : runs) {
            all.stream().filter(r -> r.kind() == base && r.scenario() == run.scenario()
                            && r.repetition() == run.repetition() && r.isSupported() && run.isSupported())
                    .findFirst().ifPresent(b -> ratios.add(run.opsPerSecond() / b.opsPerSecond()));
        }
        return ratios.isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f×", medianOf(ratios));
    }

    private static String row(ContenderKind kind, List<CaseResult> runs, List<CaseResult> all) {
        if (runs.stream().noneMatch(CaseResult::isSupported)) {
            return unsupportedRow(kind, runs, 9);
        }
        runs = runs.stream().filter(CaseResult::isSupported).toList();
        long exclusive = runs.stream().filter(CaseResult::exclusive).count();
        long errors = runs.stream().mapToLong(CaseResult::errors).sum();
        long tokenViolations = runs.stream().mapToLong(CaseResult::tokenViolations).sum();
        boolean tokens = runs.stream().anyMatch(r -> r.tokenChecks() > 0);
        return String.format(Locale.ROOT, "| %s | %,.0f | %s | %.2f / %.2f | %.2f / %.2f / %.1f | %s | %s | %s / %s "
                        + "| %.1f | %.2f | %s |",
                kind.label, median(runs, CaseResult::opsPerSecond),
                ratio(runs, all, ContenderKind.REDISSON),
                median(runs, r -> r.inRtt(r.cycles().quantile(0.5))), median(runs, r -> r.inRtt(r.cycles().quantile(0.99))),
                median(runs, r -> r.waits().quantile(0.5) / 1e6), median(runs, r -> r.waits().quantile(0.99) / 1e6),
                median(runs, r -> r.waits().max() / 1e6),
                percent(median(runs, CaseResult::handoffShare)), handoff(runs),
                number(median(runs, CaseResult::sentPerCycle)), number(median(runs, CaseResult::executedPerCycle)),
                median(runs, CaseResult::cpuMicrosPerCycle), median(runs, CaseResult::minThreadShare),
                (exclusive == runs.size() ? "ok " : "**VIOLATED** ") + exclusive + "/" + runs.size()
                        + (errors == 0 ? "" : ", " + errors + " errors")
                        + (!tokens ? ", tokens n/a" : tokenViolations == 0 ? ", tokens ok" : ", **" + tokenViolations
                                + " tokens not increasing**"));
    }

    private static String handoff(List<CaseResult> runs) {
        if (!runs.get(0).scenario().measuresHandoff()) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f / %.2f [%.0f]",
                median(runs, r -> r.inRtt(r.handoffLatency().quantile(0.5))),
                median(runs, r -> r.inRtt(r.handoffLatency().quantile(0.99))),
                median(runs, r -> r.handoffLatency().quantile(0.5) / 1e3));
    }

    static double median(List<CaseResult> runs, ToDoubleFunction<CaseResult> metric) {
        return medianOf(runs.stream().map(metric::applyAsDouble).toList());
    }

    private static double medianOf(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f", value);
    }
}

package io.holdfast.benchmarks.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** Markdown tables of the medians over repetitions, one table per scenario. */
final class Report {

    private Report() {
    }

    /** One line per case, printed as the harness goes. */
    static String caseLine(CaseResult r) {
        return String.format(Locale.ROOT, "rep %d %s %-14s %9.0f ops/s  cycle p50 %5.2f RTT  wait max %7.1f ms  "
                        + "handoff %5s  cmds %5s/%5s  cpu %6.1f us  load %.1f  %s%s",
                r.repetition(), r.scenario(), r.kind().label, r.opsPerSecond(), r.inRtt(r.cycles().quantile(0.5)),
                r.waits().max() / 1e6, percent(r.handoffShare()), number(r.sentPerCycle()),
                number(r.executedPerCycle()), r.cpuMicrosPerCycle(), r.loadAverage(),
                (r.exclusive() ? "exclusive" : "EXCLUSION VIOLATED (" + r.counter() + " != " + r.allGrants() + ")")
                        + ", tokens " + r.tokenVerdict(),
                r.errors() == 0 ? "" : "  errors " + r.errors() + ": " + r.firstError())
                + (r.diagnostics().isEmpty() ? "" : "\n    " + String.join("\n    ", r.diagnostics()));
    }

    static String tables(List<CaseResult> results, BenchOptions options) {
        StringBuilder text = new StringBuilder();
        for (Scenario scenario : options.scenarios()) {
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
        long rtt = (long) median(results, CaseResult::rttNanos);
        text.append("\nMedians of ").append(options.repetitions()).append(" repetitions of ")
                .append(options.measure().toMillis() / 1000.0).append(" s (after ")
                .append(options.warmup().toMillis() / 1000.0).append(" s warm-up) per case; 1 RTT = one Lettuce PING "
                        + "round trip, median ").append(rtt / 1000).append(" µs. Host load average (1 min) during the cases: "
                        + "median ").append(String.format(Locale.ROOT, "%.1f", median(results, CaseResult::loadAverage)))
                .append(", max ").append(String.format(Locale.ROOT, "%.1f", results.stream()
                        .mapToDouble(CaseResult::loadAverage).max().orElse(Double.NaN)))
                .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs.\n");
        return text.toString();
    }

    private static String row(ContenderKind kind, List<CaseResult> runs, List<CaseResult> all) {
        List<Double> ratios = new ArrayList<>();
        for (CaseResult run : runs) {
            redissonOf(run, all).ifPresent(base -> ratios.add(run.opsPerSecond() / base.opsPerSecond()));
        }
        long exclusive = runs.stream().filter(CaseResult::exclusive).count();
        long errors = runs.stream().mapToLong(CaseResult::errors).sum();
        long tokenViolations = runs.stream().mapToLong(CaseResult::tokenViolations).sum();
        boolean tokens = runs.stream().anyMatch(r -> r.tokenChecks() > 0);
        return String.format(Locale.ROOT, "| %s | %,.0f | %s | %.2f / %.2f | %.2f / %.2f / %.1f | %s | %s | %s / %s "
                        + "| %.1f | %.2f | %s |",
                kind.label, median(runs, CaseResult::opsPerSecond),
                ratios.isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f×", medianOf(ratios)),
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

    private static Optional<CaseResult> redissonOf(CaseResult run, List<CaseResult> all) {
        return all.stream().filter(r -> r.kind() == ContenderKind.REDISSON && r.scenario() == run.scenario()
                && r.repetition() == run.repetition()).findFirst();
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

package io.holdfast.benchmarks.redis;

import java.util.List;

/**
 * What one case (one contender, one scenario, one repetition, all its worker JVMs) measured in its
 * window. Durations in nanoseconds; {@code NaN} where a figure does not apply.
 *
 * @param grants grants in the measured window
 * @param allGrants grants over the whole case (warm-up and tail included), to check exclusion
 * @param counter the shared non-atomic counter at the end, equal to {@code allGrants} unless two
 *     holders overlapped
 * @param tokenChecks grants (whole case) whose fencing token was compared with the resource's previous one
 * @param tokenViolations grants whose token did not exceed the previous grant's (must be 0)
 * @param minThreadShare the fewest window grants of any thread divided by the mean per thread
 * @param diagnostics contender-specific counters, one entry per worker JVM that had any
 * @param sentPerExecuted from the MONITOR sample: commands clients sent per command Redis executed
 * @param loadAverage the host's one-minute load average at the end of the case (other work skews figures)
 * @param scriptMicros microseconds Redis spent running scripts in the window (its share of a cycle's time)
 * @param unsupported why the contender could not run the scenario (then nothing was measured), or ""
 */
record CaseResult(ContenderKind kind, Scenario scenario, int repetition, long rttNanos, double seconds,
        long grants, long allGrants, long counter, long handoffs, long cpuNanos, long errors, long tokenChecks, long tokenViolations, String firstError, List<String> diagnostics,
        double minThreadShare, Histogram waits, Histogram cycles, Histogram handoffLatency,
        long commandsExecuted, double sentPerExecuted, double loadAverage, long scriptMicros, String unsupported) {

    /** A case the contender could not run, e.g. S6 on a backend without shared locks. */
    static CaseResult unsupported(ContenderKind kind, Scenario scenario, int repetition, long rttNanos, String why) {
        return new CaseResult(kind, scenario, repetition, rttNanos, Double.NaN, 0, 0, 0, 0, 0, 0, 0, 0, "",
                List.of(), Double.NaN, new Histogram(), new Histogram(), new Histogram(), 0, Double.NaN, Double.NaN,
                0, why);
    }

    boolean isSupported() {
        return unsupported.isEmpty();
    }

    double opsPerSecond() {
        return grants / seconds;
    }

    boolean exclusive() {
        return counter == allGrants;
    }

    /** "ok", "n/a" (no fencing tokens) or the number of tokens that did not increase. */
    String tokenVerdict() {
        return tokenChecks == 0 ? "n/a" : tokenViolations == 0 ? "ok" : tokenViolations + " NOT INCREASING";
    }

    double handoffShare() {
        return scenario.measuresHandoff() && grants > 0 ? (double) handoffs / grants : Double.NaN;
    }

    double executedPerCycle() {
        return kind.usesRedis && grants > 0 ? (double) commandsExecuted / grants : Double.NaN;
    }

    double sentPerCycle() {
        return executedPerCycle() * sentPerExecuted;
    }

    double scriptMicrosPerCycle() {
        return kind.usesRedis && grants > 0 ? (double) scriptMicros / grants : Double.NaN;
    }

    double cpuMicrosPerCycle() {
        return grants == 0 ? Double.NaN : cpuNanos / 1_000.0 / grants;
    }

    /** {@code nanos} in Lettuce PING round trips of this repetition. */
    double inRtt(long nanos) {
        return (double) nanos / rttNanos;
    }
}

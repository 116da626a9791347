package io.holdfast.benchmarks.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the harness works end to end (private redis-server, fresh worker JVMs, GO barrier, reports,
 * command counts, exclusion check) on S1 for one second per contender. Asserts what was measured is
 * consistent, never how fast it was. The peers are left out to keep it short.
 */
class RedisLockBenchSmokeTest {

    @Test
    @Timeout(180)
    void harness_runsS1_andEveryContenderIsExclusive() throws Exception {
        BenchOptions options = new BenchOptions(
                List.of(ContenderKind.HOLDFAST, ContenderKind.NAIVE, ContenderKind.HOLDFAST_FILE),
                List.of(Scenario.S1), 1, Duration.ofMillis(300), Duration.ofSeconds(1), "256m", null, false);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        List<CaseResult> results = RedisLockBench.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(results).hasSize(3);
        for (CaseResult r : results) {
            assertThat(r.errors()).as("%s errors: %s", r.kind(), r.firstError()).isZero();
            assertThat(r.grants()).as("%s grants in the window", r.kind()).isPositive();
            assertThat(r.allGrants()).isGreaterThanOrEqualTo(r.grants());
            assertThat(r.counter()).as("%s shared counter vs grants", r.kind()).isEqualTo(r.allGrants());
            assertThat(r.cycles().count()).isEqualTo(r.grants());
            assertThat(r.rttNanos()).isPositive();
            assertThat(r.tokenViolations()).as("%s fencing tokens not increasing", r.kind()).isZero();
            assertThat(r.tokenChecks()).as("%s grants with a checked token", r.kind())
                    .isEqualTo(r.kind() == ContenderKind.NAIVE ? 0 : r.allGrants());
        }
        CaseResult holdfast = results.stream().filter(r -> r.kind() == ContenderKind.HOLDFAST).findFirst().orElseThrow();
        // uncontended: at least the acquire and the release reach Redis per cycle
        assertThat(holdfast.executedPerCycle()).isGreaterThanOrEqualTo(2.0);
        assertThat(holdfast.sentPerCycle()).isGreaterThan(0.0);
        assertThat(Report.tables(results, options)).contains("| holdfast |", "| naive-poll |", "| holdfast-file |");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("PING RTT");
    }

    @Test
    @Timeout(120)
    void holdfastAcrossJvms_isExclusive_tokensIncrease_andGrantsChangeProcess() throws Exception {
        // cold worker JVMs on 2 CPUs hand over only a few dozen times a second while the JIT
        // works: a window of 3 s after 1 s of warm-up holds enough grants for the share to mean something
        BenchOptions options = new BenchOptions(List.of(ContenderKind.HOLDFAST), List.of(Scenario.S3), 1,
                Duration.ofSeconds(1), Duration.ofSeconds(3), "256m", null, false);

        CaseResult r = RedisLockBench.run(options, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).get(0);

        assertThat(r.errors()).as("errors: %s", r.firstError()).isZero();
        assertThat(r.counter()).isEqualTo(r.allGrants());
        assertThat(r.tokenChecks()).isEqualTo(r.allGrants());
        assertThat(r.tokenViolations()).isZero();
        // 4 JVMs, 1 resource: the release hands the lock to the oldest waiter, in another JVM
        assertThat(r.grants()).isPositive();
        assertThat(r.handoffs()).isGreaterThan(r.grants() / 2);
    }

    @Test
    @Timeout(180)
    void misses_areCountedAndNeverGetTheHeldLock_andTheTaskTableIsPrinted() throws Exception {
        BenchOptions options = new BenchOptions(List.of(ContenderKind.HOLDFAST), List.of(Scenario.S5), 1,
                Duration.ofMillis(500), Duration.ofSeconds(1), "128m", null, true);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        CaseResult r = RedisLockBench.run(options, new PrintStream(log, true, StandardCharsets.UTF_8)).get(0);

        assertThat(r.errors()).as("errors: %s", r.firstError()).isZero();
        assertThat(r.grants()).as("misses in the window").isPositive();
        assertThat(r.cycles().count()).isEqualTo(r.grants());
        // only the holder JVM was granted the lock, once, and kept it
        assertThat(r.allGrants()).isEqualTo(1);
        assertThat(r.counter()).isEqualTo(1);
        assertThat(r.executedPerCycle()).as("commands executed per miss").isPositive();
        assertThat(Report.tables(List.of(r), options)).contains("| holdfast |", "misses/s");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("Exclusive-task overhead",
                "tick that runs", "tick skipped", "`tryAcquire` miss");
    }

    @Test
    @Timeout(180)
    void readMostly_runsWhereSharedLocksExist_andSaysNotAvailableElsewhere() throws Exception {
        BenchOptions options = new BenchOptions(List.of(ContenderKind.HOLDFAST, ContenderKind.HOLDFAST_FILE),
                List.of(Scenario.S6), 1, Duration.ofMillis(300), Duration.ofSeconds(1), "128m", null, false);

        List<CaseResult> results = RedisLockBench.run(options, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));

        assertThat(results).hasSize(2);
        for (CaseResult r : results) {
            if (!r.isSupported()) {
                assertThat(r.unsupported()).startsWith("shared locks on ").contains("not yet available");
                continue;
            }
            assertThat(r.errors()).as("%s errors: %s", r.kind(), r.firstError()).isZero();
            assertThat(r.grants()).isPositive();
            assertThat(r.counter()).as("%s exclusive grants vs counter", r.kind()).isEqualTo(r.allGrants());
            assertThat(r.tokenViolations()).isZero();
        }
        assertThat(Report.tables(results, options)).contains("| holdfast |", "| holdfast-file |");
    }
}

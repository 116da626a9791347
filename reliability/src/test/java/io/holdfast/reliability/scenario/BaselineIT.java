package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.worker.Fleet;
import io.holdfast.reliability.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 1, no faults: 4 worker JVMs x 4 threads contend for 8 resources on one Redis. No two
 * holds of a resource may overlap, tokens never repeat or go backwards, and the fence never sees a
 * stale write. Short form: 20,000 grants (override with {@code -Dbaseline.grants=N}); the long
 * form ({@code -Dsoak.minutes=N}) asks for 100,000.
 */
class BaselineIT {

    private static final int JVMS = 4;

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void fourJvmsFourThreads_noOverlapNoStaleWrite(@TempDir Path dir) throws InterruptedException {
        long target = Long.getLong("baseline.grants", Soak.isLong() ? 100_000 : 20_000);
        WorkerOptions options = WorkerOptions.parse("uri=" + redis.uri(), "threads=4",
                "resources=b0,b1,b2,b3,b4,b5,b6,b7", "grants=" + (target / JVMS),
                "duration_ms=" + (Soak.isLong() ? 600_000 : 90_000), "wait_ms=10000", "lease_ms=5000");
        CheckReport report;
        long started = System.nanoTime();
        try (Fleet fleet = Fleet.start(dir, JVMS, options)) {
            fleet.awaitExit(Duration.ofMinutes(Soak.isLong() ? 15 : 3));
            report = fleet.check(List.of());
        }
        long seconds = Math.max(1, (System.nanoTime() - started) / 1_000_000_000L);
        System.out.println(report.line("baseline", "jvms=" + JVMS + " threads=4 resources=8 seconds=" + seconds
                + " grants_per_s=" + report.grants() / seconds));
        assertThat(report.grants()).isGreaterThanOrEqualTo(target);
        assertThat(report.overlaps()).as(report.details()).isEmpty();
        assertThat(report.fenceSafe()).as(report.details()).isTrue();
        assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
        assertThat(report.writesRejected()).isZero();
        assertThat(report.lossesReported()).isZero();
    }
}

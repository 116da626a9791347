package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.worker.Fleet;
import io.holdfast.reliability.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's control experiment: the file backend (OS locks, no faults) across JVMs must show
 * no overlap and no stale write, and the checker must see every grant.
 */
class FileBackendBaselineTest {

    @Test
    void fileBackend_acrossJvms_hasNoOverlapAndNoStaleWrite(@TempDir Path dir) throws InterruptedException {
        WorkerOptions options = WorkerOptions.parse("file=" + dir.resolve("locks"), "threads=2",
                "resources=a,b", "grants=600", "duration_ms=30000", "wait_ms=10000");
        CheckReport report;
        try (Fleet fleet = Fleet.start(dir, 3, options)) {
            fleet.awaitExit(Duration.ofSeconds(90));
            report = fleet.check(List.of());
        }
        System.out.println(report.line("file-baseline", "jvms=3 threads=2"));
        assertThat(report.grants()).isGreaterThanOrEqualTo(3 * 600);
        assertThat(report.overlaps()).isEmpty();
        assertThat(report.fenceSafe()).as(report.details()).isTrue();
        assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
        assertThat(report.writesRejected()).isZero();
        assertThat(report.writesAccepted()).isEqualTo(report.grants());
    }
}

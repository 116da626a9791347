package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
import io.holdfast.reliability.worker.Fleet;
import io.holdfast.reliability.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2: the holder's whole JVM is frozen (SIGSTOP) in its critical section for longer than
 * the lease, then resumed. The other JVM gets the lock while it is frozen; the resumed holder
 * reports the loss; nothing it writes late is accepted (the fence refuses it). What the frozen
 * holder <em>believed</em> after the resume is printed, not asserted: no lock can keep a frozen
 * process from believing, only the fence keeps the resource safe. With three threads per JVM the
 * frozen JVM's other threads wait for the same lock, so the lost lease must not be handed on to
 * them when it resumes: a hand-on would carry a token below the other JVM's grant (a token
 * regression). Deadlines derive from the lease and the pause, not from the machine's speed.
 */
class HolderPausedIT {

    private static final Duration LEASE = Duration.ofMillis(1000);
    private static final Duration PAUSE = Duration.ofMillis(2500);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @ParameterizedTest(name = "threads per JVM = {0}")
    @ValueSource(ints = {1, 3})
    void holderJvmFrozenPastLease_fencedAndReportedOnResume(int threads, @TempDir Path dir)
            throws InterruptedException {
        WorkerOptions options = WorkerOptions.parse("uri=" + redis.uri(), "threads=" + threads, "resources=paused",
                "duration_ms=9000", "wait_ms=10000", "hold_ms=1500", "lease_ms=" + LEASE.toMillis());
        String victim;
        FrozenRun run;
        try (Fleet fleet = Fleet.start(dir, 2, options)) {
            victim = fleet.awaitHoldingAfterWrite(Duration.ofSeconds(20)).process();
            run = FrozenRun.freeze(fleet, victim, PAUSE);
        }
        List<Event> events = run.events();
        CheckReport report = run.report();
        long stoppedAt = run.stoppedAt();
        long resumedAt = run.resumedAt();
        Event otherGrant = Timing.first(events, stoppedAt, e -> !e.process().equals(victim)
                && e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK).orElseThrow();
        Event lost = Timing.first(events, stoppedAt, e -> e.process().equals(victim) && e.op() == Event.Op.LOST)
                .orElseThrow(() -> new AssertionError("frozen holder never reported its loss"));
        long recoveredMillis = Timing.millisSince(stoppedAt, otherGrant);
        long detectMillis = Timing.millisSince(resumedAt, lost);
        // with several threads per JVM, threads of the frozen JVM wait for the same lock: the lost lease
        // must not be handed on to them when the JVM resumes (no hold begun after the resume may overlap)
        long overlapsAfterResume = report.overlaps().stream()
                .filter(o -> o.second().startNanos() > resumedAt || o.first().startNanos() > resumedAt).count();
        System.out.println(report.line("holder-paused" + (threads > 1 ? "-" + threads + "-threads" : ""),
                "overlaps_begun_after_resume=" + overlapsAfterResume + " lease_ms=" + LEASE.toMillis() + " pause_ms="
                + PAUSE.toMillis() + " recovered_ms=" + recoveredMillis + " detect_after_resume_ms=" + detectMillis));
        // nothing the frozen holder wrote after its lease ended was accepted
        assertThat(report.fenceSafe()).as(report.details()).isTrue();
        assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
        assertThat(report.writesRejected()).as("the resumed holder's late write").isGreaterThanOrEqualTo(1);
        // the loss was reported (the Event.LOST above), and the other JVM took over while it was frozen
        assertThat(otherGrant.nanos()).as("the other JVM's grant").isLessThan(resumedAt + LEASE.toNanos());
    }
}

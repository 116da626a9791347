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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 9: the holder's JVM is killed (SIGKILL) while two other JVMs wait. Nobody releases the
 * lock; it must be free again within lease + 1s, and the history must stay clean (the dead
 * holder's hold ends with its last recorded event, before the lease ran out).
 */
class HolderKilledIT {

    private static final Duration LEASE = Duration.ofMillis(2000);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void holderJvmKilledWhileOthersWait_lockFreeWithinLeasePlusOneSecond(@TempDir Path dir)
            throws InterruptedException {
        WorkerOptions options = WorkerOptions.parse("uri=" + redis.uri(), "threads=1", "resources=killed",
                "duration_ms=8000", "wait_ms=10000", "hold_ms=1000", "lease_ms=" + LEASE.toMillis());
        CheckReport report;
        List<Event> events;
        long killedAt;
        String victim;
        try (Fleet fleet = Fleet.start(dir, 3, options)) {
            victim = fleet.awaitHoldingAfterWrite(Duration.ofSeconds(20)).process();
            fleet.worker(victim).kill();
            killedAt = System.nanoTime();
            fleet.awaitExit(Duration.ofSeconds(40));
            events = fleet.events(List.of());
            report = fleet.check(List.of());
        }
        Event next = Timing.first(events, killedAt, e -> !e.process().equals(victim)
                && e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK).orElseThrow(() -> new AssertionError(
                "no grant after the kill; events since: " + events.stream().filter(e -> e.nanos() >= killedAt - 3_000_000_000L)
                        .map(e -> (e.nanos() - killedAt) / 1_000_000 + "ms " + e.process() + " " + e.op() + " "
                                + e.phase() + " " + e.value() + " " + e.detail()).toList()));
        long recoveredMillis = Timing.millisSince(killedAt, next);
        System.out.println(report.line("holder-killed", "lease_ms=" + LEASE.toMillis() + " recovered_ms="
                + recoveredMillis));
        assertThat(report.overlaps()).as(report.details()).isEmpty();
        assertThat(report.fenceSafe()).as(report.details()).isTrue();
        assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
        assertThat(recoveredMillis).isLessThanOrEqualTo(LEASE.toMillis() + 1_000);
    }
}

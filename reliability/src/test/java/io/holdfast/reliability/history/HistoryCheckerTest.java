package io.holdfast.reliability.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.reliability.fence.FencedRegister;
import io.holdfast.reliability.fence.FencedResource;
import io.holdfast.reliability.history.Event.Op;
import io.holdfast.reliability.history.Event.Phase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCheckerTest {

    private static final long MS = 1_000_000L;
    private final List<Event> events = new ArrayList<>();
    private final FencedRegister register = new FencedRegister();

    private void at(long ms, String owner, Op op, Phase phase, String resource, long value, String detail) {
        String[] parts = owner.split("/");
        events.add(new Event(ms * MS, parts[0], parts[1], op, phase, resource, value, detail));
    }

    /** An acquire invoked at {@code from}, granted at {@code from + 1}, released at {@code to}. */
    private void hold(String owner, String resource, long token, long from, long to) {
        hold(owner, resource, token, from, to, "");
    }

    private void hold(String owner, String resource, long token, long from, long to, String mode) {
        at(from, owner, Op.ACQUIRE, Phase.INVOKE, resource, 0, mode);
        at(from + 1, owner, Op.ACQUIRE, Phase.OK, resource, token, mode);
        at(to, owner, Op.RELEASE, Phase.INVOKE, resource, token, "");
        at(to + 1, owner, Op.RELEASE, Phase.OK, resource, token, "");
    }

    @Test
    void cleanHistory_reportsNothing() {
        hold("p1/t1", "r", 1, 0, 10);
        hold("p2/t1", "r", 2, 12, 20);
        hold("p1/t2", "other", 1, 5, 15);
        register.write("r", 1, "p1/t1");
        register.write("r", 2, "p2/t1");
        register.write("r", 1, "p1/t1"); // late, rejected: the fence working
        CheckReport report = HistoryChecker.check(events, register.writes());
        assertThat(report.grants()).isEqualTo(3);
        assertThat(report.overlaps()).isEmpty();
        assertThat(report.fenceSafe()).isTrue();
        assertThat(report.tokensMonotonic()).isTrue();
        assertThat(report.writesRejected()).isEqualTo(1);
        assertThat(report.line("clean", "x=1")).startsWith("RELIABILITY scenario=clean grants=3 ")
                .contains(" overlaps=0 ", " stale_accepted=0 ", " stale_rejected=1 ").endsWith(" x=1");
    }

    @Test
    void plantedOverlap_isReported() {
        hold("p1/t1", "r", 1, 0, 10);
        hold("p2/t1", "r", 2, 5, 20);
        CheckReport report = HistoryChecker.check(events, List.of());
        assertThat(report.overlaps()).hasSize(1);
        assertThat(report.overlaps().get(0).nanos()).isEqualTo(4 * MS);
        assertThat(report.line("planted", "")).contains(" overlaps=1 ");
    }

    @Test
    void sameOwnerOrDifferentResource_isNoOverlap() {
        hold("p1/t1", "r", 1, 0, 10);
        hold("p1/t2", "s", 1, 0, 10);
        hold("p2/t1", "r", 2, 10, 20); // starts (ok at 11) after the release invocation at 10
        assertThat(HistoryChecker.check(events, List.of()).overlaps()).isEmpty();
    }

    @Test
    void lostLease_endsTheHold() {
        at(0, "p1/t1", Op.ACQUIRE, Phase.INVOKE, "r", 0, "");
        at(1, "p1/t1", Op.ACQUIRE, Phase.OK, "r", 1, "");
        at(5, "p1/t1", Op.LOST, Phase.OK, "r", 1, "renewal failed");
        hold("p2/t1", "r", 2, 6, 9);
        CheckReport report = HistoryChecker.check(events, List.of());
        assertThat(report.overlaps()).isEmpty();
        assertThat(report.lossesReported()).isEqualTo(1);
    }

    @Test
    void killedHolder_holdsUntilItsLastEvent() {
        at(0, "p1/t1", Op.ACQUIRE, Phase.INVOKE, "r", 0, "");
        at(1, "p1/t1", Op.ACQUIRE, Phase.OK, "r", 1, "");
        at(5, "p1/t1", Op.WRITE, Phase.OK, "r", 1, "");
        hold("p2/t1", "r", 2, 2, 9);
        List<Hold> holds = HistoryChecker.holds(events);
        assertThat(holds).extracting(Hold::endNanos).contains(5 * MS);
        assertThat(HistoryChecker.check(events, List.of()).overlaps()).hasSize(1);
    }

    @Test
    void plantedStaleWrite_isReported() {
        register.record("r", 5, "p1/t1", true);
        register.record("r", 6, "p2/t1", true);
        register.record("r", 5, "p1/t1", true); // planted: a register that accepted a stale token
        CheckReport report = HistoryChecker.check(events, register.writes());
        assertThat(report.staleAccepted()).singleElement().extracting(FencedRegister.Write::token).isEqualTo(5L);
        assertThat(report.fenceSafe()).isFalse();
        assertThat(report.line("planted", "")).contains(" stale_accepted=1 ");
    }

    @Test
    void fencedRegister_rejectsStaleTokensAndRecordsBoth() {
        assertThat(register.write("r", 5, "a")).isTrue();
        assertThat(register.write("r", 5, "a")).isTrue();
        assertThat(register.write("r", 7, "b")).isTrue();
        assertThat(register.write("r", 6, "a")).isFalse();
        assertThat(register.write("s", 1, "a")).isTrue();
        assertThat(register.writes()).extracting(FencedRegister.Write::accepted)
                .containsExactly(true, true, true, false, true);
        assertThat(register.highest("r")).isEqualTo(7);
        assertThat(HistoryChecker.check(events, register.writes()).staleAccepted()).isEmpty();
    }

    @Test
    void sameTokenToTwoOwners_isAConflict() {
        hold("p1/t1", "r", 3, 0, 10);
        hold("p2/t1", "r", 3, 20, 30);
        register.write("r", 3, "p1/t1");
        register.write("r", 3, "p2/t1"); // accepted by a >= fence: only the checker can see it
        CheckReport report = HistoryChecker.check(events, register.writes());
        assertThat(report.tokenReuses()).hasSize(1);
        assertThat(report.sharedTokenWrites()).hasSize(1);
        assertThat(report.fenceSafe()).isFalse();
        assertThat(report.tokensMonotonic()).isFalse();
    }

    @Test
    void tokenBelowAnEndedHold_isARegression() {
        hold("p1/t1", "r", 9, 0, 10);
        hold("p2/t1", "r", 1, 20, 30); // e.g. a Redis restarted empty restarting the counter
        CheckReport report = HistoryChecker.check(events, List.of());
        assertThat(report.tokenRegressions()).hasSize(1);
        assertThat(report.tokensMonotonic()).isFalse();
        assertThat(report.fenceSafe()).isTrue();
    }

    @Test
    void acknowledgedFlagNotSeen_isLost() {
        at(0, "p1/t1", Op.FLAG_SET, Phase.INVOKE, "f", 0, "");
        at(1, "p1/t1", Op.FLAG_SET, Phase.OK, "f", 10_000, "");
        at(5, "p2/t1", Op.FLAG_READ, Phase.INVOKE, "f", 0, "");
        at(6, "p2/t1", Op.FLAG_READ, Phase.OK, "f", 0, "");
        assertThat(HistoryChecker.check(events, List.of()).flagsLost()).hasSize(1);
    }

    @Test
    void flagClearedOrExpired_isNotLost() {
        at(0, "p1/t1", Op.FLAG_SET, Phase.INVOKE, "f", 0, "");
        at(1, "p1/t1", Op.FLAG_SET, Phase.OK, "f", 10_000, "");
        at(2, "p3/t1", Op.FLAG_CLEAR, Phase.INVOKE, "f", 0, "");
        at(3, "p3/t1", Op.FLAG_CLEAR, Phase.OK, "f", 0, "");
        at(5, "p2/t1", Op.FLAG_READ, Phase.INVOKE, "f", 0, "");
        at(6, "p2/t1", Op.FLAG_READ, Phase.OK, "f", 0, "");
        at(10, "p1/t1", Op.FLAG_SET, Phase.INVOKE, "g", 0, "");
        at(11, "p1/t1", Op.FLAG_SET, Phase.OK, "g", 5, "");
        at(20, "p2/t1", Op.FLAG_READ, Phase.INVOKE, "g", 0, "");
        at(21, "p2/t1", Op.FLAG_READ, Phase.OK, "g", 0, "");
        assertThat(HistoryChecker.check(events, List.of()).flagsLost()).isEmpty();
    }

    @Test
    void failuresUntilNextSuccess_areAnUnavailabilityWindow() {
        hold("p1/t1", "r", 1, 0, 10);
        at(20, "p1/t1", Op.ACQUIRE, Phase.FAIL, "r", 0, "timeout after 1s"); // busy, not unavailable
        at(30, "p1/t1", Op.ACQUIRE, Phase.FAIL, "r", 0, "LockUnavailableException: connection refused");
        at(40, "p2/t1", Op.ACQUIRE, Phase.UNKNOWN, "r", 0, "command timed out");
        at(250, "p2/t1", Op.ACQUIRE, Phase.OK, "r", 2, "");
        CheckReport report = HistoryChecker.check(events, List.of());
        assertThat(report.unavailability()).singleElement().extracting(CheckReport.Window::millis)
                .isEqualTo(220L);
        assertThat(report.maxUnavailableMillis()).isEqualTo(220);
        assertThat(report.longestGrantGap().millis()).isEqualTo(249);
    }

    /** A shared hold: acquire invoked at {@code from}, granted at {@code from + 1}, released at {@code to}. */
    private void sharedHold(String owner, String resource, long token, long from, long to) {
        hold(owner, resource, token, from, to, Event.SHARED);
    }

    @Test
    void overlappingSharedHolds_areLegal_butAnExclusiveOneOverlappingAReaderIsNot() {
        sharedHold("p1/t1", "r", 1, 0, 10);
        sharedHold("p2/t1", "r", 2, 5, 20);
        assertThat(HistoryChecker.check(events, List.of()).overlaps()).isEmpty();
        hold("p3/t1", "r", 3, 15, 30);
        CheckReport report = HistoryChecker.check(events, List.of());
        assertThat(report.overlaps()).singleElement().satisfies(o -> {
            assertThat(o.first().owner()).isEqualTo("p2/t1");
            assertThat(o.first().shared()).isTrue();
            assertThat(o.second().shared()).isFalse();
        });
    }

    @Test
    void tokensIncreaseAcrossSharedAndExclusiveGrants_aReaderBelowAnEndedWriterIsARegression() {
        hold("p1/t1", "r", 5, 0, 10);
        sharedHold("p2/t1", "r", 4, 12, 20);
        assertThat(HistoryChecker.check(events, List.of()).tokenRegressions()).hasSize(1);
    }

    @Test
    void fencedReads_refuseALateWriterUnderReaders_andAStaleReaderAfterAWriter() {
        assertThat(register.write("r", 5, "w1")).isTrue(); // first part
        assertThat(register.read("r", 9, "r1")).isEqualTo(new FencedResource.Read(true, 5, 1)); // half-written
        assertThat(register.write("r", 5, "w1")).as("the writer's late second part").isFalse();
        assertThat(register.read("r", 7, "r2").accepted()).as("an older reader still reads").isTrue();
        assertThat(register.write("r", 12, "w2")).isTrue();
        assertThat(register.write("r", 12, "w2")).isTrue();
        assertThat(register.read("r", 9, "r1").accepted()).as("a reader older than the last write").isFalse();
        assertThat(register.read("r", 13, "r3")).isEqualTo(new FencedResource.Read(true, 12, 2));
    }

    @Test
    void tornReads_areFound_halfWritesOfAWriterThatNeverCompletedAreCountedApart() {
        register.write("r", 5, "w1/t");
        register.write("r", 5, "w1/t"); // completed: a read of parts=1 saw it in progress
        register.write("r", 8, "w2/t"); // never completed (lost its lock half-way)
        sharedHold("p1/t1", "r", 3, 0, 10);
        at(2, "p1/t1", Op.READ, Phase.OK, "r", 5, "parts=1");
        at(8, "p1/t1", Op.READ, Phase.OK, "r", 5, "parts=1");
        sharedHold("p2/t1", "r", 9, 20, 30);
        at(22, "p2/t1", Op.READ, Phase.OK, "r", 8, "parts=1");
        at(28, "p2/t1", Op.READ, Phase.OK, "r", 8, "parts=1");
        sharedHold("p3/t1", "r", 10, 20, 30);
        at(22, "p3/t1", Op.READ, Phase.OK, "r", 8, "parts=1");
        at(28, "p3/t1", Op.READ, Phase.OK, "r", 12, "parts=2"); // changed under the reader
        at(29, "p3/t1", Op.READ, Phase.FAIL, "r", 0, "stale");
        CheckReport report = HistoryChecker.check(events, register.writes());
        assertThat(report.tornReads()).hasSize(3).anySatisfy(t -> assertThat(t).contains("completed later"))
                .anySatisfy(t -> assertThat(t).contains("within one hold"));
        assertThat(report.halfWritesSeen()).isEqualTo(3);
        assertThat(report.readsRefused()).isEqualTo(1);
        assertThat(report.line("torn", "")).contains(" torn_reads=3 half_writes_seen=3 reads_refused=1");
    }

    @Test
    void historyFiles_roundTripAndMergeInTimeOrder(@TempDir Path dir) {
        Path a = dir.resolve("a.history");
        Path b = dir.resolve("b.history");
        try (HistoryRecorder first = HistoryRecorder.toFile("jvm-a", a);
                HistoryRecorder second = HistoryRecorder.toFile("jvm-b", b)) {
            first.record(Op.ACQUIRE, Phase.INVOKE, "{braces}*\n\u0000 tab\t", 0, null);
            second.record(Op.ACQUIRE, Phase.INVOKE, "r", 0, "x");
            first.record(Op.ACQUIRE, Phase.OK, "{braces}*\n\u0000 tab\t", 42, "detail\twith tab");
        }
        List<Event> merged = HistoryRecorder.load(List.of(a, b, dir.resolve("missing")));
        assertThat(merged).extracting(Event::process).containsExactly("jvm-a", "jvm-b", "jvm-a");
        assertThat(merged.get(2).resource()).isEqualTo("{braces}*\n\u0000 tab\t");
        assertThat(merged.get(2).value()).isEqualTo(42);
        assertThat(merged.get(2).detail()).isEqualTo("detail\twith tab");
    }
}

package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
import io.holdfast.reliability.proxy.FaultProxy;
import io.holdfast.reliability.worker.Contender;
import io.holdfast.reliability.worker.Fleet;
import io.holdfast.reliability.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 11: shared (read) and exclusive locks together under the faults of scenarios 2 and 4.
 * Writers write a two-part value non-atomically under the exclusive lock (first part, stay, second
 * part, both fenced with their token); readers read it under the shared lock, fenced with their
 * token (the register refuses a write below the highest token it served a read to, and a read
 * below the highest token written), twice per hold. Invariants: no stale write accepted, no torn
 * read (a value a live writer was writing, or one that changed within a reader's hold), tokens
 * strictly increasing across shared and exclusive grants, the faulted holder (reader or writer)
 * reports its loss and its late operation is refused, and no exclusive hold overlaps any other
 * hold unless it involves the faulted holder (which cannot know it lost the lock while frozen).
 */
class ReadersWritersIT {

    private static final Duration PAUSED_LEASE = Duration.ofMillis(1000);
    private static final Duration PAUSE = Duration.ofMillis(2500);
    /** As in {@link ClientCutOffIT}: long enough for the validity margin on a loaded machine. */
    private static final Duration CUT_LEASE = Duration.ofMillis(3000);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    /**
     * Three JVMs, each with two reader threads and one writer thread on one resource. The JVM of a
     * holder that has just read (or written) the first part is frozen past its lease, then resumed.
     */
    @ParameterizedTest(name = "frozen holder is a {0}")
    @ValueSource(strings = {"writer", "reader"})
    void holderJvmFrozenPastLease_readersAndWriters_fencedAndReported(String role, @TempDir Path dir)
            throws InterruptedException {
        boolean reader = role.equals("reader");
        WorkerOptions options = WorkerOptions.parse("uri=" + redis.uri(), "threads=3", "reader_threads=2",
                "resources=rw", "duration_ms=9000", "wait_ms=10000", "hold_ms=400",
                "lease_ms=" + PAUSED_LEASE.toMillis());
        // the frozen thread has made its first read, or its first write (the value half-written), only
        Event.Op part = reader ? Event.Op.READ : Event.Op.WRITE;
        Predicate<List<Event>> firstPart = since -> since.size() == 2 && since.get(0).op() == part
                && since.get(1).op() == part && since.get(1).phase() == Event.Phase.OK;
        Event frozenGrant;
        FrozenRun run;
        try (Fleet fleet = Fleet.start(dir, 3, options)) {
            frozenGrant = fleet.awaitHolding(firstPart, Duration.ofSeconds(20));
            run = FrozenRun.freeze(fleet, frozenGrant.process(), PAUSE);
        }
        List<Event> events = run.events();
        CheckReport report = run.report();
        long stoppedAt = run.stoppedAt();
        long resumedAt = run.resumedAt();
        String victim = frozenGrant.process();
        Event otherGrant = Timing.first(events, stoppedAt, e -> !e.process().equals(victim)
                && e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK
                && (reader ? !Event.SHARED.equals(e.detail()) : true)).orElseThrow(
                        () -> new AssertionError("no other JVM was granted while the " + role + " was frozen"));
        Event lost = Timing.first(events, stoppedAt, e -> e.owner().equals(frozenGrant.owner())
                && e.op() == Event.Op.LOST && e.value() == frozenGrant.value())
                .orElseThrow(() -> new AssertionError("the frozen " + role + " never reported its loss"));
        Event late = Timing.first(events, resumedAt, e -> e.owner().equals(frozenGrant.owner())
                && e.op() == (reader ? Event.Op.READ : Event.Op.WRITE) && e.phase() != Event.Phase.INVOKE)
                .orElseThrow(() -> new AssertionError("the frozen " + role + " made no late operation"));
        long unfaultedOverlaps = report.overlaps().stream().filter(o -> !o.first().owner().startsWith(victim + "/")
                && !o.second().owner().startsWith(victim + "/")).count();
        long shared = events.stream().filter(e -> e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK
                && Event.SHARED.equals(e.detail())).count();
        System.out.println(report.line("readers-writers-paused-" + role, "shared_grants=" + shared
                + " unfaulted_overlaps=" + unfaultedOverlaps + " lease_ms=" + PAUSED_LEASE.toMillis() + " pause_ms="
                + PAUSE.toMillis() + " recovered_ms=" + Timing.millisSince(stoppedAt, otherGrant)
                + " detect_after_resume_ms=" + Timing.millisSince(resumedAt, lost) + " late_" + late.op() + "="
                + late.phase()));
        assertThat(shared).as("shared grants").isPositive();
        assertThat(report.grants() - shared).as("exclusive grants").isPositive();
        assertThat(report.fenceSafe()).as(report.details()).isTrue();
        assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
        assertThat(report.tornReads()).as(report.details()).isEmpty();
        assertThat(unfaultedOverlaps).as(report.details()).isZero();
        // the frozen holder's operation after the resume was refused by the fence
        assertThat(late.phase()).as("the resumed " + role + "'s late " + late.op()).isEqualTo(Event.Phase.FAIL);
        assertThat(otherGrant.nanos()).as("another JVM's grant").isLessThan(resumedAt + PAUSED_LEASE.toNanos());
    }

    /**
     * A holder (reader or writer) is cut off from Redis (black hole) after its first part; a
     * holder of the other mode, on another manager, is granted once the cut-off lease ends; the
     * cut-off holder reports the loss before that grant and its late second part is refused;
     * then the connection is reset and Lettuce replays what it queued, which leaves the new
     * holder's lock alone.
     */
    @ParameterizedTest(name = "cut-off holder is a {0}")
    @ValueSource(strings = {"writer", "reader"})
    void holderCutOff_readersAndWriters_lossReportedAndLateOperationRefused(String role) throws Exception {
        boolean reader = role.equals("reader");
        String resource = "rw-cut-off";
        try (Scenario scenario = new Scenario("readers-writers-cut-off-" + role);
                FaultProxy proxy = FaultProxy.start(redis.primary().host(), redis.primary().port())) {
            RedisLockManager cut = scenario.manager("redis://" + proxy.host() + ":" + proxy.port(),
                    b -> b.lease(CUT_LEASE).timeout(Duration.ofSeconds(5)));
            RedisLockManager other = scenario.manager(redis.uri(), b -> b.lease(CUT_LEASE));
            Contender otherContender = scenario.contender(other);
            // a complete value to start from (two parts)
            assertThat(otherContender.round(resource, Duration.ofSeconds(5), Duration.ofMillis(1))).isTrue();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch lateNow = new CountDownLatch(1);
            AtomicLong lostAt = new AtomicLong();
            CompletableFuture<Boolean> cutHolder = scenario.async("cut-" + role, () -> {
                Contender contender = scenario.contender(cut);
                Lease lease = reader ? contender.acquireShared(resource, Duration.ofSeconds(5))
                        : contender.acquire(resource, Duration.ofSeconds(5));
                lease.onLost(() -> lostAt.set(System.nanoTime()));
                assertThat(part(contender, reader, lease)).isTrue();
                holding.countDown();
                lateNow.await();
                boolean late = part(contender, reader, lease); // the fence must refuse it
                contender.release(lease); // in flight while cut off; replayed after the reset, if at all
                return late;
            });
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(CUT_LEASE.dividedBy(3).toMillis()); // at least one renewal went through
            proxy.blackhole();
            long cutAt = System.nanoTime();
            Lease current = reader ? otherContender.acquire(resource, Duration.ofSeconds(10))
                    : otherContender.acquireShared(resource, Duration.ofSeconds(10));
            assertThat(current).as("the other mode's grant").isNotNull();
            long recoveredMillis = (System.nanoTime() - cutAt) / 1_000_000;
            assertThat(part(otherContender, !reader, current)).as("first part after the grant").isTrue();
            assertThat(Timing.poll(Duration.ofSeconds(5), () -> lostAt.get() != 0)).as("loss reported").isTrue();
            long detectMillis = (lostAt.get() - cutAt) / 1_000_000;
            lateNow.countDown();
            assertThat(Timing.poll(Duration.ofSeconds(5), () -> scenario.history.events().stream().anyMatch(
                    e -> e.thread().equals("cut-" + role) && e.op() == Event.Op.RELEASE)))
                    .as("the cut-off holder's late part was decided and its release sent").isTrue();
            proxy.reset();
            proxy.pass();
            assertThat(cutHolder.get(20, TimeUnit.SECONDS)).as("the cut-off " + role + "'s late part").isFalse();
            assertThat(part(otherContender, !reader, current)).as("second part after the replays").isTrue();
            assertThat(current.isHeld()).as("the new holder's lock survives the replayed commands").isTrue();
            otherContender.release(current);
            CheckReport report = scenario.report("detect_ms=" + detectMillis + " lease_ms=" + CUT_LEASE.toMillis()
                    + " recovered_ms=" + recoveredMillis);
            assertThat(report.fenceSafe()).as(report.details()).isTrue();
            assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
            assertThat(report.tornReads()).as(report.details()).isEmpty();
            assertThat(report.overlaps()).as("the cut-off holder stopped believing before the new grant")
                    .isEmpty();
            if (reader) {
                assertThat(report.readsRefused()).as("the cut-off reader's late read").isEqualTo(1);
            } else {
                assertThat(report.writesRejected()).as("the cut-off writer's late write").isEqualTo(1);
                assertThat(report.halfWritesSeen()).as("the reader saw the value the writer left half-written")
                        .isEqualTo(2);
            }
            assertThat(recoveredMillis).isLessThanOrEqualTo(CUT_LEASE.toMillis() + 1_000);
        }
    }

    /** One part of the value: a fenced read for a reader, a fenced write for a writer; true if accepted. */
    private static boolean part(Contender contender, boolean reader, Lease lease) {
        return reader ? contender.read(lease.resource(), lease.fencingToken()).accepted()
                : contender.write(lease.resource(), lease.fencingToken());
    }
}

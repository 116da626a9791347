package io.holdfast.lock.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.lock.ExclusiveTasks;
import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.TaskResult;
import io.holdfast.lock.TaskResult.Outcome;
import io.holdfast.lock.TaskSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract {@link ExclusiveTasks} meets on every backend, as a JUnit 5 compatibility kit: a
 * backend's test extends this class and implements the two factories. "Another instance" is a
 * second pair of managers when {@link #managersShare()} (file, Redis), else the same managers used
 * from another thread.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class ExclusiveTasksConformance {

    /** A generous bound for anything that should be quick; never a performance assertion. */
    protected static final Duration PATIENCE = Duration.ofSeconds(20);

    private final List<AutoCloseable> created = new ArrayList<>();
    private final String prefix = "task-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    /** This instance's lock manager. */
    protected LockManager manager;
    /** This instance's status manager. */
    protected StatusManager status;
    /** Where this instance's runner counts runs. */
    protected SimpleMeterRegistry registry;
    /** This instance's runner. */
    protected ExclusiveTasks tasks;

    /** Creates a new, open lock manager. The kit closes it. */
    protected abstract LockManager newManager();

    /** Creates a new, open status manager. The kit closes it. */
    protected abstract StatusManager newStatusManager();

    /** True when two managers from the factories share locks and flags (file, Redis). */
    protected boolean managersShare() {
        return false;
    }

    /**
     * Makes the backend lose {@code lease}, held by a task of {@code manager}, for real. By default
     * closes the manager, which every backend reports as a loss; a backend with leases overrides
     * this to lose it the way production does (Redis: the key deleted or expired).
     */
    protected void loseLease(LockManager manager, Lease lease) {
        manager.close();
    }

    @BeforeEach
    final void createRunner() {
        registry = new SimpleMeterRegistry();
        manager = track(newManager());
        status = track(newStatusManager());
        tasks = track(ExclusiveTasks.builder(manager).status(status).meterRegistry(registry).build());
    }

    @AfterEach
    final void closeAll() throws Exception {
        for (int i = created.size() - 1; i >= 0; i--) {
            created.get(i).close();
        }
        created.clear();
    }

    private <T extends AutoCloseable> T track(T closeable) {
        assertThat(closeable).isNotNull();
        created.add(closeable);
        return closeable;
    }

    /** A task name unique to this test run. */
    protected final String task(String name) {
        return prefix + name;
    }

    /** A runner of another instance (or of this one, when managers do not share). */
    protected final ExclusiveTasks otherInstance() {
        if (!managersShare()) {
            return track(ExclusiveTasks.builder(manager).status(status).build());
        }
        return track(ExclusiveTasks.builder(track(newManager())).status(track(newStatusManager())).build());
    }

    private LockManager otherManager() {
        return managersShare() ? track(newManager()) : manager;
    }

    /** Runs the counter's count for a task and outcome on this instance's registry. */
    protected final double runs(String task, Outcome outcome) {
        Counter c = registry.find(LockMetricNames.TASK_RUNS).tag(LockMetricNames.TAG_TASK, task)
                .tag(LockMetricNames.TAG_RESULT, outcome.tagValue()).counter();
        return c == null ? 0 : c.count();
    }

    private static <T> CompletableFuture<T> onThread(String name, Supplier<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(call.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(PATIENCE.toSeconds() * 2, TimeUnit.SECONDS);
    }

    @Test
    void run_whenFree_runsOnce_withItsLeaseAndToken() {
        String name = task("free");
        AtomicReference<Lease> seen = new AtomicReference<>();
        AtomicReference<Optional<Lease>> current = new AtomicReference<>();

        TaskResult r = tasks.run(name, lease -> {
            seen.set(lease);
            current.set(ExclusiveTasks.currentLease());
            assertThat(lease.isHeld()).isTrue();
        });

        assertThat(r.outcome()).isEqualTo(Outcome.RAN);
        assertThat(r.ran()).isTrue();
        assertThat(r.failure()).isEmpty();
        assertThat(r.fencingToken()).isPositive().isEqualTo(seen.get().fencingToken());
        assertThat(current.get()).containsSame(seen.get());
        assertThat(ExclusiveTasks.currentLease()).isEmpty();
        assertThat(seen.get().isHeld()).as("released after the run").isFalse();
        assertThat(manager.inspect(name)).isEmpty();
        assertThat(runs(name, Outcome.RAN)).isEqualTo(1);
    }

    @Test
    void run_whileTheLockIsHeldElsewhere_skipsWithoutRunning() {
        String name = task("held");
        AtomicInteger bodies = new AtomicInteger();
        try (Holder holder = Holder.hold(otherManager(), name)) {
            TaskResult r = tasks.run(name, lease -> bodies.incrementAndGet());

            assertThat(r.outcome()).isEqualTo(Outcome.SKIPPED_HELD);
            assertThat(r.ran()).isFalse();
            assertThat(r.fencingToken()).isZero();
            assertThat(r.detail()).contains("another instance");
            holder.release();
        }
        assertThat(bodies).hasValue(0);
        assertThat(runs(name, Outcome.SKIPPED_HELD)).isEqualTo(1);
        assertThat(tasks.run(name, lease -> bodies.incrementAndGet()).outcome()).isEqualTo(Outcome.RAN);
        assertThat(bodies).hasValue(1);
    }

    @Test
    void run_whileAnotherRunRuns_skips_andNeverOverlaps() throws Exception {
        String name = task("overlap");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ExclusiveTasks other = otherInstance();
        CompletableFuture<TaskResult> first = onThread("first-run", () -> other.run(name, lease -> {
            started.countDown();
            finish.await();
        }));
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        TaskResult second = tasks.run(name, lease -> {
            throw new AssertionError("ran while another run held the task");
        });
        finish.countDown();

        assertThat(second.outcome()).isEqualTo(Outcome.SKIPPED_HELD);
        assertThat(get(first).outcome()).isEqualTo(Outcome.RAN);
    }

    @Test
    void run_whenTheBodyThrows_reportsFailed_andFreesTheLock() {
        String name = task("fails");
        IllegalStateException boom = new IllegalStateException("boom");

        TaskResult r = tasks.run(name, lease -> {
            throw boom;
        });

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.failure()).containsSame(boom);
        assertThat(runs(name, Outcome.FAILED)).isEqualTo(1);
        assertThat(tasks.run(name, lease -> { }).outcome()).isEqualTo(Outcome.RAN);
    }

    @Test
    void minHold_keepsOtherInstancesOut_untilItEndsSinceTheStart() {
        String name = task("min-hold");
        Duration minHold = Duration.ofSeconds(3);
        TaskSettings settings = TaskSettings.builder(name).minHold(minHold).build();
        ExclusiveTasks other = otherInstance();
        long start = System.nanoTime();

        assertThat(tasks.run(settings, lease -> { }).outcome()).isEqualTo(Outcome.RAN);
        assertThat(manager.inspect(name)).as("the lock itself is free").isEmpty();
        TaskResult early = other.run(settings, lease -> {
            throw new AssertionError("ran within the minimum hold");
        });
        long elapsed = System.nanoTime() - start;
        assumeTrue(elapsed < minHold.toNanos(), "the machine was too slow to look within the hold");
        assertThat(early.outcome()).isEqualTo(Outcome.SKIPPED_HELD);
        assertThat(early.detail()).contains("ago");
        assertThat(status.isSet(settings.minHoldFlag())).isTrue();

        AtomicReference<TaskResult> later = new AtomicReference<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            later.set(other.run(settings, lease -> { }));
            return later.get().ran();
        });
        assertThat(later.get().outcome()).isEqualTo(Outcome.RAN);
        // the flag's TTL runs from when it was written, after the start: never sooner than minHold
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThanOrEqualTo(minHold.minusMillis(100));
    }

    @Test
    void minHold_shorterThanTheRun_leavesNoFlag() {
        String name = task("long-run");
        TaskSettings settings = TaskSettings.builder(name).minHold(Duration.ofMillis(50)).build();

        assertThat(tasks.run(settings, lease -> Thread.sleep(150)).outcome()).isEqualTo(Outcome.RAN);

        assertThat(status.isSet(settings.minHoldFlag())).isFalse();
        assertThat(otherInstance().run(settings, lease -> { }).outcome()).isEqualTo(Outcome.RAN);
    }

    @Test
    void minHold_withoutAStatusManager_isRejected() {
        ExclusiveTasks noFlags = track(ExclusiveTasks.builder(manager).build());
        TaskSettings settings = TaskSettings.builder(task("no-flags")).minHold(Duration.ofSeconds(1)).build();

        assertThatThrownBy(() -> noFlags.run(settings, lease -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("status");
    }

    @Test
    void maxDuration_interruptsTheTask_reportsTimedOut_andLeavesTheThreadClean() {
        String name = task("max-duration");
        TaskSettings settings = TaskSettings.builder(name).maxDuration(Duration.ofMillis(300)).build();
        AtomicBoolean interrupted = new AtomicBoolean();

        TaskResult r = tasks.run(settings, lease -> {
            try {
                Thread.sleep(PATIENCE.toMillis());
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });

        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(interrupted).isTrue();
        assertThat(r.failure()).containsInstanceOf(InterruptedException.class);
        assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(PATIENCE);
        assertThat(Thread.currentThread().isInterrupted()).as("interrupt cleared").isFalse();
        assertThat(runs(name, Outcome.TIMED_OUT)).isEqualTo(1);
        assertThat(tasks.run(name, lease -> { }).outcome()).isEqualTo(Outcome.RAN);
    }

    @Test
    void maxDuration_notReached_doesNotInterruptLater() throws Exception {
        String name = task("quick");
        TaskSettings settings = TaskSettings.builder(name).maxDuration(Duration.ofMillis(200)).build();

        assertThat(tasks.run(settings, lease -> { }).outcome()).isEqualTo(Outcome.RAN);
        // an absence: the only way to see no interrupt arrives is to outlast the timer, twice
        Thread.sleep(settings.maxDuration().orElseThrow().multipliedBy(2).toMillis());

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void lostLease_interruptsTheTask_andReportsLost() throws Exception {
        String name = task("lost");
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Lease> held = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        CompletableFuture<TaskResult> run = onThread("lost-run", () -> tasks.run(name, lease -> {
            held.set(lease);
            started.countDown();
            try {
                Thread.sleep(PATIENCE.toMillis() * 2);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        }));
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        loseLease(manager, held.get());
        TaskResult r = get(run);

        assertThat(r.outcome()).isEqualTo(Outcome.LOST);
        assertThat(r.detail()).isNotEmpty();
        assertThat(interrupted).as("the task's thread was interrupted").isTrue();
        assertThat(r.duration()).isLessThan(PATIENCE.multipliedBy(2));
        assertThat(runs(name, Outcome.LOST)).isEqualTo(1);
    }
}

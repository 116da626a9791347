package io.holdfast.lock;

import io.holdfast.lock.internal.Durations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks that must run on one instance at a time, such as a scheduled export that every
 * instance of a service triggers: a run takes the task's lock without waiting and skips when
 * another instance or thread holds it.
 *
 * <pre>{@code
 * ExclusiveTasks tasks = ExclusiveTasks.create(lockService, meterRegistry);
 * TaskResult r = tasks.run(TaskSettings.builder("nightly-export").minHold(Duration.ofSeconds(30)).build(),
 *         lease -> export(lease.fencingToken()));
 * }</pre>
 *
 * <ul>
 * <li><b>Skip, never wait.</b> One {@link LockManager#tryAcquire}; a miss is
 *     {@link TaskResult.Outcome#SKIPPED_HELD} after that one backend call.
 * <li><b>No guessed upper bound.</b> The backend keeps the lease while the task runs (Redis renews
 *     it; file and in-process locks need no renewal), so a task may run as long as it needs. If the
 *     lease is lost anyway (Redis unreachable for longer than the lease, the key deleted), the
 *     task's thread is interrupted and the run ends {@link TaskResult.Outcome#LOST}.
 * <li><b>Minimum hold</b> ({@link TaskSettings.Builder#minHold}): after a run that ended before
 *     {@code minHold} since its start, the runner sets the status flag
 *     {@link TaskSettings#minHoldFlag()} with the remaining time as its TTL, <em>while still
 *     holding the lock</em>, then releases the lock on the acquiring thread. Every run checks the
 *     flag before taking the lock (one call when it is set: the usual miss of a skewed schedule)
 *     and again under the lock, where the check is authoritative: a previous run set its flag
 *     before it released. The flag lives in the shared {@link StatusManager}, so the hold survives
 *     the crash, restart or redeploy of the instance that ran, and no thread is kept parked for it
 *     (holding the lease on a helper thread instead would end the hold whenever that process
 *     stops). A run that lost its lease sets no flag: it no longer held the lock.
 * <li><b>Maximum duration</b> ({@link TaskSettings.Builder#maxDuration}): the thread is
 *     interrupted when it is exceeded; the run ends {@link TaskResult.Outcome#TIMED_OUT}.
 * <li><b>Fencing.</b> The task receives its {@link Lease}; {@link #currentLease()} gives it to
 *     code deeper in the call.
 * <li><b>Metrics:</b> {@link LockMetricNames#TASK_RUNS}, tagged with the task name, the outcome
 *     and the backend, on every backend.
 * </ul>
 *
 * <p>Tasks run on the calling thread (platform or virtual). The interrupt holdfast causes is
 * cleared when the task returns, so a pooled scheduler thread is not left interrupted. Thread-safe;
 * the managers stay the caller's to close.
 */
public final class ExclusiveTasks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExclusiveTasks.class);
    private static final ThreadLocal<Lease> CURRENT = new ThreadLocal<>();
    private static final AtomicInteger TIMER_THREADS = new AtomicInteger();

    private final LockManager locks;
    private final StatusManager status;
    private final MeterRegistry registry;
    private final Object timerLock = new Object();
    private ScheduledThreadPoolExecutor timer; // guarded by timerLock; created on first maxDuration
    private boolean closed; // guarded by timerLock

    private ExclusiveTasks(Builder b) {
        this.locks = b.locks;
        this.status = b.status;
        this.registry = b.registry;
    }

    /**
     * A runner on the service's locks and flags.
     *
     * @param registry where to count runs, or null for none
     */
    public static ExclusiveTasks create(LockService service, MeterRegistry registry) {
        Objects.requireNonNull(service, "service");
        return builder(service.locks()).status(service.status()).meterRegistry(registry).build();
    }

    /** A builder of a runner taking its task locks from {@code locks}. */
    public static Builder builder(LockManager locks) {
        return new Builder(locks);
    }

    /**
     * The lease of the exclusive task running on this thread (to read its fencing token deep in
     * the task's code), or empty outside a task.
     */
    public static Optional<Lease> currentLease() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Shorthand for {@code run(TaskSettings.of(name), body)}. */
    public TaskResult run(String name, TaskBody body) {
        return run(TaskSettings.of(name), body);
    }

    /**
     * Runs {@code body} on the calling thread if no other instance or thread runs the task and
     * none started it within its minimum hold; otherwise returns at once.
     *
     * @return how the run ended; the body's exception is in {@link TaskResult#failure()}
     * @throws LockUnavailableException if the backend cannot be reached to take the lock or read
     *     the minimum-hold flag (the task did not run; counted with result {@code error})
     * @throws IllegalStateException if the task has a minimum hold and this runner no status
     *     manager, or the runner is closed
     */
    public TaskResult run(TaskSettings task, TaskBody body) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(body, "body");
        boolean minHold = !task.minHold().isZero();
        if (minHold && status == null) {
            throw new IllegalStateException("task '" + task.name() + "' has a minimum hold of "
                    + Durations.format(task.minHold()) + " but this ExclusiveTasks has no status"
                    + " manager to keep it; build it with status(...) or create(LockService, ...)");
        }
        Lease lease;
        try {
            if (minHold && status.isSet(task.minHoldFlag())) {
                return skipped(task, "it ran less than " + Durations.format(task.minHold()) + " ago");
            }
            Optional<Lease> got = locks.tryAcquire(task.name());
            if (got.isEmpty()) {
                return skipped(task, "another instance or thread is running it");
            }
            lease = got.get();
        } catch (RuntimeException e) {
            count(task, LockMetricNames.RESULT_ERROR);
            throw e;
        }
        try {
            if (minHold && status.isSet(task.minHoldFlag())) {
                return skipped(task, "it ran less than " + Durations.format(task.minHold()) + " ago");
            }
            return execute(task, lease, body);
        } catch (RuntimeException e) {
            count(task, LockMetricNames.RESULT_ERROR);
            throw e;
        } finally {
            try {
                lease.release();
            } catch (RuntimeException e) {
                LOG.warn("task '{}': releasing its lock failed; the backend frees it when its lease ends",
                        task.name(), e);
            }
        }
    }

    private TaskResult execute(TaskSettings task, Lease lease, TaskBody body) {
        Thread thread = Thread.currentThread();
        boolean interruptedBefore = thread.isInterrupted();
        Run run = new Run(thread);
        long start = System.nanoTime();
        lease.onLost(() -> run.interrupt(TaskResult.Outcome.LOST));
        ScheduledFuture<?> deadline = task.maxDuration()
                .map(d -> timer().schedule(() -> run.interrupt(TaskResult.Outcome.TIMED_OUT),
                        Durations.toNanosSaturated(d), TimeUnit.NANOSECONDS))
                .orElse(null);
        Lease outer = CURRENT.get();
        CURRENT.set(lease);
        Exception failure = null;
        TaskResult.Outcome interrupt;
        try {
            body.run(lease);
        } catch (Exception e) {
            failure = e;
        } finally {
            interrupt = run.finish();
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (interrupt != null && !interruptedBefore) {
                Thread.interrupted(); // the interrupt was ours: do not leak it to the caller's thread
            }
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        TaskResult.Outcome outcome;
        String detail = "";
        if (!lease.isHeld()) {
            outcome = TaskResult.Outcome.LOST;
            detail = lossReason(lease);
            LOG.warn("task '{}' (fencing token {}) lost its lease after {} and was interrupted: {}",
                    task.name(), lease.fencingToken(),
                    Durations.format(took), detail);
        } else if (interrupt == TaskResult.Outcome.TIMED_OUT) {
            outcome = TaskResult.Outcome.TIMED_OUT;
            detail = "ran past its maximum duration of " + Durations.format(task.maxDuration().get());
            LOG.warn("task '{}' {}; it was interrupted", task.name(), detail);
        } else {
            outcome = failure == null ? TaskResult.Outcome.RAN : TaskResult.Outcome.FAILED;
        }
        if (outcome != TaskResult.Outcome.LOST) {
            keepMinHold(task, took);
        }
        count(task, outcome.tagValue());
        return new TaskResult(task.name(), outcome, lease.fencingToken(), took,
                Optional.ofNullable(failure), detail);
    }

    /** Sets the minimum-hold flag for what is left of the hold; called while holding the lock. */
    private void keepMinHold(TaskSettings task, Duration took) {
        Duration left = task.minHold().minus(took);
        if (left.compareTo(Duration.ofMillis(1)) < 0) {
            return;
        }
        try {
            status.set(task.minHoldFlag(), left);
        } catch (RuntimeException e) {
            LOG.warn("task '{}': its minimum hold could not be recorded (flag '{}'), so another"
                    + " instance may run it before {}", task.name(), task.minHoldFlag(),
                    Instant.now().plus(left), e);
        }
    }

    private static String lossReason(Lease lease) {
        try {
            lease.ensureHeld();
            return "lease lost";
        } catch (LeaseLostException e) {
            return e.getMessage();
        }
    }

    private TaskResult skipped(TaskSettings task, String why) {
        count(task, TaskResult.Outcome.SKIPPED_HELD.tagValue());
        LOG.debug("task '{}' skipped: {}", task.name(), why);
        return new TaskResult(task.name(), TaskResult.Outcome.SKIPPED_HELD, 0, Duration.ZERO,
                Optional.empty(), why);
    }

    private void count(TaskSettings task, String result) {
        if (registry != null) {
            Counter.builder(LockMetricNames.TASK_RUNS)
                    .description("exclusive task runs by outcome")
                    .tag(LockMetricNames.TAG_TASK, task.name())
                    .tag(LockMetricNames.TAG_RESULT, result)
                    .tag(LockMetricNames.TAG_BACKEND, locks.backend())
                    .register(registry)
                    .increment();
        }
    }

    private ScheduledThreadPoolExecutor timer() {
        synchronized (timerLock) {
            if (closed) {
                throw new IllegalStateException("ExclusiveTasks is closed");
            }
            if (timer == null) {
                timer = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "holdfast-task-timer-" + TIMER_THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
                timer.setRemoveOnCancelPolicy(true);
            }
            return timer;
        }
    }

    /** Stops the maximum-duration timer thread. Tasks running now are no longer timed. Idempotent. */
    @Override
    public void close() {
        synchronized (timerLock) {
            closed = true;
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }

    @Override
    public String toString() {
        return "ExclusiveTasks[" + locks.backend() + (status == null ? ", no minimum holds" : "") + "]";
    }

    /** One run's interrupt state: interrupts its thread at most once, and never after it ended. */
    private static final class Run {
        private final Thread thread;
        private TaskResult.Outcome cause;
        private boolean finished;

        Run(Thread thread) {
            this.thread = thread;
        }

        synchronized void interrupt(TaskResult.Outcome why) {
            if (!finished && cause == null) {
                cause = why;
                thread.interrupt();
            }
        }

        /** Ends the run; returns why it was interrupted, or null. */
        synchronized TaskResult.Outcome finish() {
            finished = true;
            return cause;
        }
    }

    /** Builds {@link ExclusiveTasks}. Not thread-safe. */
    public static final class Builder {
        private final LockManager locks;
        private StatusManager status;
        private MeterRegistry registry;

        private Builder(LockManager locks) {
            this.locks = Objects.requireNonNull(locks, "locks");
        }

        /** Where minimum holds are kept; required for tasks with a minimum hold. */
        public Builder status(StatusManager status) {
            this.status = Objects.requireNonNull(status, "status");
            return this;
        }

        /** Where to count runs ({@link LockMetricNames#TASK_RUNS}); null for none. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** The runner. */
        public ExclusiveTasks build() {
            return new ExclusiveTasks(this);
        }
    }
}

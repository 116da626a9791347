package io.holdfast.lock;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How one call of {@link ExclusiveTasks#run} ended.
 *
 * @param task the task name
 * @param outcome what happened
 * @param fencingToken the run's fencing token, or 0 when it was skipped
 * @param duration how long the task ran (zero when skipped)
 * @param failure what the task threw, if it threw
 * @param detail why it was skipped, or how the lease was lost or the run timed out; empty otherwise
 */
public record TaskResult(String task, Outcome outcome, long fencingToken, Duration duration,
        Optional<Throwable> failure, String detail) {

    /** The outcomes of a run; each is also the {@code result} tag of {@link LockMetricNames#TASK_RUNS}. */
    public enum Outcome {
        /** The task ran and returned normally, holding its lease throughout. */
        RAN,
        /** The task did not run: another instance or thread runs it, or ran it within its minimum hold. */
        SKIPPED_HELD,
        /** The lease was lost while the task ran; its thread was interrupted. */
        LOST,
        /** The task ran past its maximum duration; its thread was interrupted. */
        TIMED_OUT,
        /** The task threw (while holding its lease, within its maximum duration). */
        FAILED;

        /** The metric tag value: the name in lower case, e.g. {@code skipped_held}. */
        public String tagValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates the components. */
    public TaskResult {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(detail, "detail");
    }

    /** True if the task ran on this call, whatever its outcome. */
    public boolean ran() {
        return outcome != Outcome.SKIPPED_HELD;
    }
}

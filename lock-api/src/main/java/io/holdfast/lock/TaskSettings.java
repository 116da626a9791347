package io.holdfast.lock;

import io.holdfast.lock.internal.Durations;
import io.holdfast.lock.internal.Names;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ExclusiveTasks} needs to know about one task: its name, an optional minimum hold and
 * an optional maximum duration. Immutable and validated when built.
 *
 * <pre>{@code
 * TaskSettings export = TaskSettings.builder("nightly-export")
 *         .minHold(Duration.ofSeconds(30))      // no instance runs it again within 30 s of a start
 *         .maxDuration(Duration.ofMinutes(20))  // interrupted after 20 min
 *         .build();
 * }</pre>
 *
 * <p>The task's lock is the resource named like the task. A minimum hold is kept by the status
 * flag {@link #minHoldFlag()}, set under that lock, so it outlives this process (see
 * {@link ExclusiveTasks}).
 */
public final class TaskSettings {

    /** No minimum hold: the lock is free as soon as the task returns. */
    public static final Duration DEFAULT_MIN_HOLD = Duration.ZERO;
    /** The longest task name: a resource name's limit less the minimum-hold flag's suffix. */
    public static final int MAX_NAME_LENGTH = Names.MAX_LENGTH - 16;
    /** Appended to the task name to name its minimum-hold flag. */
    static final String MIN_HOLD_SUFFIX = ":min-hold";
    private static final Duration SHORTEST_MAX_DURATION = Duration.ofMillis(1);

    private final String name;
    private final Duration minHold;
    private final Duration maxDuration;

    private TaskSettings(Builder b) {
        this.name = b.name;
        this.minHold = b.minHold;
        this.maxDuration = b.maxDuration;
    }

    /**
     * A task with no minimum hold and no maximum duration.
     *
     * @throws IllegalArgumentException if the name is invalid
     */
    public static TaskSettings of(String name) {
        return builder(name).build();
    }

    /**
     * A builder for the task {@code name}: 1 to {@value #MAX_NAME_LENGTH} characters, no control
     * characters.
     *
     * @throws IllegalArgumentException if the name is invalid
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(TaskSettings base) {
        Objects.requireNonNull(base, "base");
        Builder b = new Builder(base.name);
        b.minHold = base.minHold;
        b.maxDuration = base.maxDuration;
        return b;
    }

    /** The task name, which is also the name of its lock. */
    public String name() {
        return name;
    }

    /** How long after a run's start no other run may start; zero for none. */
    public Duration minHold() {
        return minHold;
    }

    /** How long a run may take before its thread is interrupted; empty for no limit. */
    public Optional<Duration> maxDuration() {
        return Optional.ofNullable(maxDuration);
    }

    /**
     * The status flag that keeps the minimum hold after a run: {@code <name>:min-hold}. An operator
     * may {@link StatusManager#forceClear} it to allow a run before the hold ends.
     */
    public String minHoldFlag() {
        return name + MIN_HOLD_SUFFIX;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskSettings t && t.name.equals(name) && t.minHold.equals(minHold)
                && Objects.equals(t.maxDuration, maxDuration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, minHold, maxDuration);
    }

    @Override
    public String toString() {
        return "TaskSettings[" + name + ", minHold " + Durations.format(minHold) + ", maxDuration "
                + (maxDuration == null ? "none" : Durations.format(maxDuration)) + "]";
    }

    /** Builds {@link TaskSettings}; validates each value as it is set. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private Duration minHold = DEFAULT_MIN_HOLD;
        private Duration maxDuration;

        private Builder(String name) {
            Names.require("task", name);
            if (name.length() > MAX_NAME_LENGTH) {
                throw new IllegalArgumentException("task name must be at most " + MAX_NAME_LENGTH
                        + " characters (its lock and minimum-hold flag names derive from it), but had "
                        + name.length());
            }
            this.name = name;
        }

        /**
         * Keeps other runs out until {@code minHold} after a run's start, even when the run ended
         * sooner (ShedLock's {@code lockAtLeastFor}): instances whose schedules are skewed then do
         * not run the same tick twice. Needs a {@link StatusManager} in {@link ExclusiveTasks}.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder minHold(Duration minHold) {
            Objects.requireNonNull(minHold, "minHold");
            if (minHold.isNegative()) {
                throw new IllegalArgumentException("minHold must be zero or positive, but was "
                        + Durations.format(minHold));
            }
            this.minHold = minHold;
            return this;
        }

        /**
         * Interrupts the task's thread when a run takes longer than {@code maxDuration}; the run
         * then ends {@link TaskResult.Outcome#TIMED_OUT}. Unlike ShedLock's {@code lockAtMostFor}
         * this is not needed for safety: the lease is renewed while the task runs.
         *
         * @throws IllegalArgumentException if shorter than 1 ms
         */
        public Builder maxDuration(Duration maxDuration) {
            this.maxDuration = Durations.requireAtLeast("maxDuration", maxDuration, SHORTEST_MAX_DURATION);
            return this;
        }

        /** Removes the maximum duration: the task may run as long as it needs. */
        public Builder noMaxDuration() {
            this.maxDuration = null;
            return this;
        }

        /** The settings. */
        public TaskSettings build() {
            return new TaskSettings(this);
        }
    }
}

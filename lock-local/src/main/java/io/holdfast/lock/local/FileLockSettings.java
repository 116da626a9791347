package io.holdfast.lock.local;

import io.holdfast.lock.internal.Durations;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link FileLockManager}. Immutable; build with {@link #builder(Path)}.
 *
 * @see FileLockManager#create(FileLockSettings)
 */
public final class FileLockSettings {

    /** By default threads of one JVM are not granted in arrival order. */
    public static final boolean DEFAULT_FAIR = false;
    /** The longest pause between two attempts while another process holds a lock. */
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMillis(2);
    /** The smallest accepted {@link #maxPollInterval()}. */
    public static final Duration MIN_POLL_INTERVAL = Duration.ofNanos(50_000);
    /** The largest accepted {@link #maxPollInterval()}. */
    public static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(1);

    private final Path directory;
    private final boolean fair;
    private final MeterRegistry meterRegistry;
    private final Duration maxPollInterval;

    private FileLockSettings(Builder b) {
        this.directory = b.directory;
        this.fair = b.fair;
        this.meterRegistry = b.meterRegistry;
        this.maxPollInterval = b.maxPollInterval;
    }

    /** The defaults, with lock files in {@code directory}. */
    public static FileLockSettings of(Path directory) {
        return builder(directory).build();
    }

    /** A builder with lock files in {@code directory} and default values otherwise. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** A builder starting from {@code base}. */
    public static Builder from(FileLockSettings base) {
        return new Builder(base.directory).fair(base.fair).meterRegistry(base.meterRegistry)
                .maxPollInterval(base.maxPollInterval);
    }

    /**
     * The directory of the lock files, created with mode 700 if missing (and again if removed
     * later). On POSIX systems it must be owned by the user running the process and not be
     * writable by group or others; the directories above it must belong to root or that user and
     * be writable by others only if sticky; its path must not pass through a symbolic link of
     * another user. Otherwise {@link FileLockManager#create} refuses it: another user could plant
     * links there (holdfast would overwrite their targets) or remove lock files.
     */
    public Path directory() {
        return directory;
    }

    /** Whether threads of this JVM are granted in arrival order. */
    public boolean fair() {
        return fair;
    }

    /** Where metrics are recorded, if anywhere. */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /** The longest pause between two attempts while another process holds a lock. */
    public Duration maxPollInterval() {
        return maxPollInterval;
    }

    @Override
    public String toString() {
        return "FileLockSettings[directory=" + directory + ", fair=" + fair + ", maxPollInterval="
                + Durations.format(maxPollInterval) + ", metrics=" + (meterRegistry != null) + "]";
    }

    /** Builds {@link FileLockSettings}. Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private boolean fair = DEFAULT_FAIR;
        private MeterRegistry meterRegistry;
        private Duration maxPollInterval = DEFAULT_MAX_POLL_INTERVAL;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Grants the threads of this JVM in arrival order when true. */
        public Builder fair(boolean fair) {
            this.fair = fair;
            return this;
        }

        /** Records metrics on {@code registry}; null for none. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * The longest pause between two attempts while another process holds a lock: shorter
         * hands over sooner, longer wakes less often. Under steady contention between processes
         * a handover takes about half of it, since a process that finds others waiting lets
         * them try first.
         *
         * @throws IllegalArgumentException if not between 50µs and 1s
         */
        public Builder maxPollInterval(Duration interval) {
            Durations.requireAtLeast("maxPollInterval", interval, MIN_POLL_INTERVAL);
            if (interval.compareTo(MAX_POLL_INTERVAL) > 0) {
                throw new IllegalArgumentException("maxPollInterval must be at most "
                        + Durations.format(MAX_POLL_INTERVAL) + ", but was " + Durations.format(interval));
            }
            this.maxPollInterval = interval;
            return this;
        }

        /** The settings. */
        public FileLockSettings build() {
            return new FileLockSettings(this);
        }
    }
}

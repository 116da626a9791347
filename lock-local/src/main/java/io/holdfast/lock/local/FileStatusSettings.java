package io.holdfast.lock.local;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link FileStatusManager}. Immutable; build with {@link #builder(Path)}.
 *
 * @see FileStatusManager#create(FileStatusSettings)
 */
public final class FileStatusSettings {

    /** How long a change waits for another process's change to the same directory. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

    private final Path directory;
    private final Clock clock;
    private final Duration lockWait;

    private FileStatusSettings(Builder b) {
        this.directory = b.directory;
        this.clock = b.clock;
        this.lockWait = b.lockWait;
    }

    /** The defaults, with flag files in {@code directory}. */
    public static FileStatusSettings of(Path directory) {
        return builder(directory).build();
    }

    /** A builder with flag files in {@code directory} and default values otherwise. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** A builder starting from {@code base}. */
    public static Builder from(FileStatusSettings base) {
        return new Builder(base.directory).clock(base.clock).lockWait(base.lockWait);
    }

    /**
     * The directory of the flag files, created with mode 700 if missing; it must be safe as
     * described for {@link FileLockSettings#directory()}.
     */
    public Path directory() {
        return directory;
    }

    /**
     * The wall clock TTLs run on. Processes sharing a directory compare times written by each
     * other, so they must all use the real clock; inject another only in tests.
     */
    public Clock clock() {
        return clock;
    }

    /** How long a change waits for another process's change to the same directory. */
    public Duration lockWait() {
        return lockWait;
    }

    @Override
    public String toString() {
        return "FileStatusSettings[directory=" + directory + ", clock=" + clock + "]";
    }

    /** Builds {@link FileStatusSettings}. Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private Clock clock = Clock.systemUTC();
        private Duration lockWait = DEFAULT_LOCK_WAIT;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** The clock TTLs run on (tests only; see {@link FileStatusSettings#clock()}). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a change waits for another process's change to the directory.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder lockWait(Duration wait) {
            this.lockWait = io.holdfast.lock.internal.Durations.requireWait(wait);
            return this;
        }

        /** The settings. */
        public FileStatusSettings build() {
            return new FileStatusSettings(this);
        }
    }
}

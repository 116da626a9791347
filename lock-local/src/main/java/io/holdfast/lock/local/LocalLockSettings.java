package io.holdfast.lock.local;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/**
 * Settings of a {@link LocalLockManager}. Immutable; build with {@link #builder()}.
 *
 * @see LocalLockManager#create(LocalLockSettings)
 */
public final class LocalLockSettings {

    /** By default threads are not granted in arrival order (faster under contention). */
    public static final boolean DEFAULT_FAIR = false;

    private final boolean fair;
    private final MeterRegistry meterRegistry;

    private LocalLockSettings(Builder b) {
        this.fair = b.fair;
        this.meterRegistry = b.meterRegistry;
    }

    /** The defaults: unfair, no metrics. */
    public static LocalLockSettings ofDefaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(LocalLockSettings base) {
        Builder b = new Builder();
        b.fair = base.fair;
        b.meterRegistry = base.meterRegistry;
        return b;
    }

    /** Whether waiting threads are granted in arrival order. */
    public boolean fair() {
        return fair;
    }

    /** Where metrics are recorded, if anywhere. */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    @Override
    public String toString() {
        return "LocalLockSettings[fair=" + fair + ", metrics=" + (meterRegistry != null) + "]";
    }

    /** Builds {@link LocalLockSettings}. Not thread-safe. */
    public static final class Builder {
        private boolean fair = DEFAULT_FAIR;
        private MeterRegistry meterRegistry;

        private Builder() {}

        /** Grants waiting threads in arrival order when true. */
        public Builder fair(boolean fair) {
            this.fair = fair;
            return this;
        }

        /** Records metrics on {@code registry}; null for none. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /** The settings. */
        public LocalLockSettings build() {
            return new LocalLockSettings(this);
        }
    }
}

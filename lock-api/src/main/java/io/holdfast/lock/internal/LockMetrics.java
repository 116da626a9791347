package io.holdfast.lock.internal;

import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.spi.BackendMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Records lock events. {@link #NOOP} does nothing, so code never checks for a missing registry;
 * {@link #of} records to Micrometer under the names in {@link LockMetricNames}.
 */
public interface LockMetrics extends BackendMetrics {

    /** Records nothing. */
    LockMetrics NOOP = new LockMetrics() {};

    /** Metrics on {@code registry}, or {@link #NOOP} when it is null. */
    static LockMetrics of(MeterRegistry registry, String backend, IntSupplier activeHolds) {
        return registry == null ? NOOP : new Micrometer(registry, backend, activeHolds);
    }

    /**
     * The metrics behind a backend's {@link io.holdfast.lock.spi.LockContext#metrics()}: the
     * manager's own, or one that forwards the backend events to {@code events}.
     */
    static LockMetrics from(BackendMetrics events) {
        if (events instanceof LockMetrics m) {
            return m;
        }
        return new LockMetrics() {
            @Override public void renewal(boolean renewed) { events.renewal(renewed); }
            @Override public void notification() { events.notification(); }
            @Override public void retry() { events.retry(); }
            @Override public void releaseFailed() { events.releaseFailed(); }
        };
    }

    /** A lock was granted after {@code nanos}. */
    default void acquired(long nanos) {}

    /** A wait ended without a grant after {@code nanos}. */
    default void timedOut(long nanos) {}

    /** An acquire failed with an error after {@code nanos}. */
    default void failed(long nanos) {}

    /** A hold ended after {@code nanos}. */
    default void held(long nanos) {}

    /** A lease was lost. */
    default void lost() {}

    /** The Micrometer implementation; meters are created once, here. */
    final class Micrometer implements LockMetrics {
        private final Timer acquired;
        private final Timer timedOut;
        private final Timer failed;
        private final Timer held;
        private final Counter lost;
        // registered on first use, so that a backend without leases, notifications or retries
        // (the file backend) shows no such meters
        private final Lazy<Counter> renewed;
        private final Lazy<Counter> renewFailed;
        private final Lazy<Counter> notifications;
        private final Lazy<Counter> retries;
        private final Lazy<Counter> releaseFailures;

        Micrometer(MeterRegistry registry, String backend, IntSupplier activeHolds) {
            String b = LockMetricNames.TAG_BACKEND;
            String r = LockMetricNames.TAG_RESULT;
            acquired = Timer.builder(LockMetricNames.ACQUIRE).tag(b, backend)
                    .tag(r, LockMetricNames.RESULT_ACQUIRED).register(registry);
            timedOut = Timer.builder(LockMetricNames.ACQUIRE).tag(b, backend)
                    .tag(r, LockMetricNames.RESULT_TIMEOUT).register(registry);
            failed = Timer.builder(LockMetricNames.ACQUIRE).tag(b, backend)
                    .tag(r, LockMetricNames.RESULT_ERROR).register(registry);
            held = Timer.builder(LockMetricNames.HOLD).tag(b, backend).register(registry);
            lost = Counter.builder(LockMetricNames.LOST).tag(b, backend).register(registry);
            renewed = new Lazy<>(() -> Counter.builder(LockMetricNames.RENEWALS).tag(b, backend)
                    .tag(r, LockMetricNames.RESULT_RENEWED).register(registry));
            renewFailed = new Lazy<>(() -> Counter.builder(LockMetricNames.RENEWALS).tag(b, backend)
                    .tag(r, LockMetricNames.RESULT_FAILED).register(registry));
            notifications = new Lazy<>(() -> Counter.builder(LockMetricNames.NOTIFICATIONS)
                    .tag(b, backend).register(registry));
            retries = new Lazy<>(() -> Counter.builder(LockMetricNames.RETRIES).tag(b, backend)
                    .register(registry));
            releaseFailures = new Lazy<>(() -> Counter.builder(LockMetricNames.RELEASE_FAILURES)
                    .tag(b, backend).register(registry));
            Gauge.builder(LockMetricNames.ACTIVE, activeHolds, IntSupplier::getAsInt)
                    .tag(b, backend).strongReference(true).register(registry);
        }

        @Override public void acquired(long nanos) { acquired.record(nanos, TimeUnit.NANOSECONDS); }
        @Override public void timedOut(long nanos) { timedOut.record(nanos, TimeUnit.NANOSECONDS); }
        @Override public void failed(long nanos) { failed.record(nanos, TimeUnit.NANOSECONDS); }
        @Override public void held(long nanos) { held.record(nanos, TimeUnit.NANOSECONDS); }
        @Override public void lost() { lost.increment(); }
        @Override public void renewal(boolean ok) { (ok ? renewed : renewFailed).get().increment(); }
        @Override public void notification() { notifications.get().increment(); }
        @Override public void retry() { retries.get().increment(); }
        @Override public void releaseFailed() { releaseFailures.get().increment(); }
    }

    /** A meter created on first use. */
    final class Lazy<T> {
        private final Supplier<T> factory;
        private volatile T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = factory.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}

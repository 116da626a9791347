package io.holdfast.lock.internal.env;

import io.holdfast.lock.LockMetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.List;
import java.util.Set;

/**
 * The registries a {@link io.holdfast.lock.LockService}'s managers record on: views of the
 * application's registry that tag every meter with the {@code USE_NEW_LOCKS} mode. In
 * {@code dual} the dual manager records each operation once ({@code backend=dual(file+redis)});
 * the two managers inside it keep only their backend's own meters (renewals, notifications,
 * retries), so that sums over the {@code holdfast.lock.*} meters count each operation once.
 */
public final class ServiceMeters {

    /** The meters every manager records for each operation. */
    private static final Set<String> PER_OPERATION = Set.of(LockMetricNames.ACQUIRE,
            LockMetricNames.HOLD, LockMetricNames.ACTIVE, LockMetricNames.LOST);

    private ServiceMeters() {}

    /** {@code registry} with the tag {@code mode}; null when {@code registry} is null. */
    public static MeterRegistry tagged(MeterRegistry registry, String mode) {
        if (registry == null) {
            return null;
        }
        CompositeMeterRegistry view = new CompositeMeterRegistry(registry.config().clock(),
                List.of(registry));
        view.config().commonTags(LockMetricNames.TAG_MODE, mode);
        return view;
    }

    /**
     * {@code registry} with the tag {@code mode}, without the per-operation meters: for the
     * managers inside a dual manager, which records those. Null when {@code registry} is null.
     */
    public static MeterRegistry backendOnly(MeterRegistry registry, String mode) {
        MeterRegistry view = tagged(registry, mode);
        if (view != null) {
            view.config().meterFilter(MeterFilter.deny(id -> PER_OPERATION.contains(id.getName())));
        }
        return view;
    }
}

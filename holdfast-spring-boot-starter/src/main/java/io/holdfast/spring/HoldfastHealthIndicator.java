package io.holdfast.spring;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.LockService;
import io.holdfast.lock.StatusManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code holdfast} health: UP while the lock and flag backends answer, DOWN (with the
 * backend's error, which never holds a password) while they do not, and UP again once they
 * answer. The start-up checks passed when this bean exists (the lock service's creation runs
 * them: connection, credentials, scripts, ACL). Details: backend, mode, and the leases and task
 * runs lost since start (from the application's meter registry), which leave the status UP.
 * Each check makes one backend call per manager.
 */
public class HoldfastHealthIndicator extends AbstractHealthIndicator {

    /** The resource and flag name the checks read; never written. */
    static final String PROBE = "holdfast-health-probe";

    private final LockManager locks;
    private final StatusManager status;
    private final LockService service;
    private final MeterRegistry registry;

    /**
     * @param service the lock service, or null when the application supplies its own managers
     * @param registry the application's meter registry, or null
     */
    public HoldfastHealthIndicator(LockManager locks, StatusManager status, LockService service,
            MeterRegistry registry) {
        super("holdfast health check failed");
        this.locks = locks;
        this.status = status;
        this.service = service;
        this.registry = registry;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("backend", service != null ? service.backend() : locks.backend());
        if (service != null) {
            builder.withDetail("mode", service.mode());
        }
        builder.withDetail("startupChecks", "passed");
        if (registry != null) {
            builder.withDetail("lostLeases", (long) registry.find(LockMetricNames.LOST).counters()
                    .stream().mapToDouble(Counter::count).sum());
            Map<String, Long> lostRuns = new TreeMap<>();
            registry.find(LockMetricNames.TASK_RUNS).tag(LockMetricNames.TAG_RESULT, LockMetricNames.RESULT_LOST)
                    .counters().forEach(c -> lostRuns.merge(c.getId().getTag(LockMetricNames.TAG_TASK),
                            (long) c.count(), Long::sum));
            builder.withDetail("lostTaskRuns", lostRuns);
        }
        try {
            locks.inspect(PROBE);
            status.isSet(PROBE);
            builder.up();
        } catch (RuntimeException e) {
            builder.down().withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}

package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lock manager and a status manager on one MeterRegistry: the status manager registers no lock
 * gauge, so {@code holdfast.lock.active} is the lock manager's and counts its holds.
 */
class SharedMeterRegistryIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void statusManager_registersNoLockGauge_onASharedRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisLockSettings settings = RedisLockSettings.builder().uri(redis.uri()).namespace("meters")
                .meterRegistry(registry).build();
        try (RedisStatusManager flags = RedisStatusManager.create(settings)) {
            assertThat(registry.find(LockMetricNames.ACTIVE).gauges()).isEmpty();
            try (RedisLockManager locks = RedisLockManager.create(settings);
                    RedisStatusManager more = RedisStatusManager.create(settings)) {
                flags.set("meter-flag", Duration.ofSeconds(10));
                try (Lease lease = locks.acquire("meter-lock", Duration.ofSeconds(5))) {
                    assertThat(registry.find(LockMetricNames.ACTIVE).gauges()).hasSize(1);
                    Gauge active = registry.get(LockMetricNames.ACTIVE).gauge();
                    assertThat(active.value()).isEqualTo(1.0);
                }
                assertThat(registry.get(LockMetricNames.ACTIVE).gauge().value()).isEqualTo(0.0);
                assertThat(more.isSet("meter-flag")).isTrue();
            }
        }
    }
}

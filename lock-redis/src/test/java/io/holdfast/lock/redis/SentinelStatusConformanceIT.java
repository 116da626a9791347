package io.holdfast.lock.redis;

import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.StatusManagerConformance;
import io.holdfast.lock.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The status-flag conformance suite on a Sentinel topology. */
class SentinelStatusConformanceIT extends StatusManagerConformance {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.sentinel();

    @Override
    protected StatusManager newStatusManager() {
        return RedisStatusManager.create(RedisLockSettings.of(redis.uri()));
    }

    @Override
    protected boolean managersShareFlags() {
        return true;
    }
}

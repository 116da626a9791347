package io.holdfast.lock.redis;

import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.StatusManagerConformance;
import io.holdfast.lock.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The status-flag conformance suite on one standalone Redis. */
class StandaloneStatusConformanceIT extends StatusManagerConformance {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Override
    protected StatusManager newStatusManager() {
        return RedisStatusManager.create(redis.uri());
    }

    @Override
    protected boolean managersShareFlags() {
        return true;
    }
}

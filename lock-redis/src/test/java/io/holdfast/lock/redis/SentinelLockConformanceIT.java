package io.holdfast.lock.redis;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;
import io.holdfast.lock.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite on a Sentinel topology. */
class SentinelLockConformanceIT extends LockManagerConformance {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.sentinel();

    @Override
    protected LockManager newManager() {
        return RedisLockManager.create(RedisLockSettings.of(redis.uri()));
    }

    @Override
    protected boolean managersShareLocks() {
        return true;
    }
}

package io.holdfast.lock.redis;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;
import io.holdfast.lock.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite on one standalone Redis. */
class StandaloneLockConformanceIT extends LockManagerConformance {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Override
    protected LockManager newManager() {
        return RedisLockManager.create(redis.uri());
    }

    @Override
    protected boolean managersShareLocks() {
        return true;
    }
}

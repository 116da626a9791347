package io.holdfast.lock.redis;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;
import io.holdfast.lock.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite on a Cluster topology. */
class ClusterLockConformanceIT extends LockManagerConformance {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.cluster();

    @Override
    protected LockManager newManager() {
        return RedisLockManager.create(RedisLockSettings.builder().cluster(redis.clusterSeeds()).build());
    }

    @Override
    protected boolean managersShareLocks() {
        return true;
    }
}

package io.holdfast.lock.redis;

import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.StatusManagerConformance;
import io.holdfast.lock.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The status-flag conformance suite on a Cluster topology. */
class ClusterStatusConformanceIT extends StatusManagerConformance {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.cluster();

    @Override
    protected StatusManager newStatusManager() {
        return RedisStatusManager.create(RedisLockSettings.builder().cluster(redis.clusterSeeds()).build());
    }

    @Override
    protected boolean managersShareFlags() {
        return true;
    }
}

package io.holdfast.lock.redis.provider;

import io.holdfast.lock.redis.internal.RedisUrls;
import io.holdfast.lock.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code REDIS_URL} as comma-separated seeds of a three-primary Redis Cluster. */
class LockServiceClusterIT extends LockServiceTopologyContract {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.cluster();

    @Override
    String redisUrl() {
        return String.join(",", redis.clusterSeeds());
    }

    @Override
    RedisUrls.Topology topology() {
        return RedisUrls.Topology.CLUSTER;
    }
}

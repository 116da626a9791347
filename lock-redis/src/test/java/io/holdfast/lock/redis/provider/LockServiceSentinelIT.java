package io.holdfast.lock.redis.provider;

import io.holdfast.lock.redis.internal.RedisUrls;
import io.holdfast.lock.testkit.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code REDIS_URL=redis-sentinel://...#master} on a primary, a replica and three Sentinels. */
class LockServiceSentinelIT extends LockServiceTopologyContract {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.sentinel();

    @Override
    String redisUrl() {
        return redis.uri();
    }

    @Override
    RedisUrls.Topology topology() {
        return RedisUrls.Topology.SENTINEL;
    }
}

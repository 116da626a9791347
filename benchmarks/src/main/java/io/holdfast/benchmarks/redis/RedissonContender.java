package io.holdfast.benchmarks.redis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Redisson's {@code RLock} with its defaults (watchdog lease, pub/sub waiting), as most users run it. */
final class RedissonContender implements Contender {

    private final RedissonClient client;
    private final ConcurrentMap<String, RLock> locks = new ConcurrentHashMap<>();

    RedissonContender(String redisUri) {
        Config config = new Config();
        config.useSingleServer().setAddress(redisUri);
        this.client = Redisson.create(config);
    }

    @Override
    public Object acquire(String resource) {
        RLock lock = locks.computeIfAbsent(resource, client::getLock);
        lock.lock();
        return lock;
    }

    @Override
    public void release(Object handle) {
        ((RLock) handle).unlock();
    }

    @Override
    public void close() {
        client.shutdown();
    }
}

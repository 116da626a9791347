package io.holdfast.benchmarks.redis;

import io.lettuce.core.RedisURI;
import java.util.concurrent.locks.Lock;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.integration.redis.util.RedisLockRegistry.RedisLockType;

/**
 * Spring Integration's {@code RedisLockRegistry} on a Lettuce connection factory, with the lock type
 * given ({@code SPIN_LOCK} polls every 100 ms, {@code PUB_SUB_LOCK} waits for an unlock message) and
 * otherwise its defaults (60 s expiry, no renewal).
 */
final class SpringContender implements Contender {

    private final LettuceConnectionFactory factory;
    private final RedisLockRegistry registry;

    SpringContender(String redisUri, RedisLockType type) {
        RedisURI uri = RedisURI.create(redisUri);
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        registry = new RedisLockRegistry(factory, "bench");
        registry.setRedisLockType(type);
    }

    @Override
    public Object acquire(String resource) {
        Lock lock = registry.obtain(resource);
        lock.lock();
        return lock;
    }

    /** {@code obtain(key).tryLock()}: the registry's local lock, then one attempt in Redis. */
    @Override
    public Object tryAcquire(String resource) {
        Lock lock = registry.obtain(resource);
        return lock.tryLock() ? lock : null;
    }

    @Override
    public void release(Object handle) {
        ((Lock) handle).unlock();
    }

    @Override
    public void close() {
        registry.destroy();
        factory.destroy();
    }
}

package io.holdfast.benchmarks.redis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson's {@code RLock} with its defaults (watchdog lease, pub/sub waiting), as most users run it;
 * for a miss (S5) {@code tryLock(0, 30 s)}, the call a scheduled job makes (an explicit lease, so no
 * watchdog); for S6 {@code RReadWriteLock}.
 */
final class RedissonContender implements Contender {

    private final RedissonClient client;
    private static final long TRY_LEASE_MILLIS = 30_000;

    private final ConcurrentMap<String, RLock> locks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RReadWriteLock> readWriteLocks = new ConcurrentHashMap<>();

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
    public Object tryAcquire(String resource) throws InterruptedException {
        RLock lock = locks.computeIfAbsent(resource, client::getLock);
        return lock.tryLock(0, TRY_LEASE_MILLIS, TimeUnit.MILLISECONDS) ? lock : null;
    }

    @Override
    public Object acquireReadWrite(String resource, boolean shared) {
        RReadWriteLock readWrite = readWriteLocks.computeIfAbsent(resource, client::getReadWriteLock);
        RLock lock = shared ? readWrite.readLock() : readWrite.writeLock();
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

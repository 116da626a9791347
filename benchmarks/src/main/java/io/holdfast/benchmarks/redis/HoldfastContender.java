package io.holdfast.benchmarks.redis;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * A holdfast {@link LockManager} under test, through its own API ({@code acquire} / {@code release}):
 * the Redis manager with its default settings (30 s lease with renewal, pub/sub waiting), or the
 * host-wide {@code FileLockManager}, whose cross-process handoff S3 measures.
 */
final class HoldfastContender implements Contender {

    private static final Duration WAIT = Duration.ofMinutes(5);

    private final LockManager manager;

    HoldfastContender(LockManager manager) {
        this.manager = manager;
    }

    @Override
    public Object acquire(String resource) throws InterruptedException {
        return manager.acquire(resource, WAIT);
    }

    @Override
    public void release(Object handle) {
        ((Lease) handle).release();
    }

    @Override
    public long token(Object handle) {
        return ((Lease) handle).fencingToken();
    }

    /**
     * The Redis manager's wake-up statistics (how waiters woke: notification or fallback timer), read
     * reflectively because lock-redis keeps them package-private; "" for other managers.
     */
    @Override
    public String diagnostics() {
        try {
            Method stats = manager.getClass().getDeclaredMethod("waitStats");
            stats.setAccessible(true);
            return String.valueOf(stats.invoke(manager));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

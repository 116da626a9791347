package io.holdfast.benchmarks.redis;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * A holdfast {@link LockManager} under test, through its own API ({@code acquire} / {@code release}):
 * the Redis manager with its default settings (30 s lease with renewal, pub/sub waiting), or the
 * host-wide {@code FileLockManager}, whose cross-process handoff S3 measures.
 */
final class HoldfastContender implements Contender {

    private static final Duration WAIT = Duration.ofMinutes(5);

    /** {@code LockManager.acquireShared(String, Duration)}, or null in a build without shared locks. */
    private static final Method ACQUIRE_SHARED = acquireShared();

    private final LockManager manager;

    HoldfastContender(LockManager manager) {
        this.manager = manager;
    }

    @Override
    public Object acquire(String resource) throws InterruptedException {
        return manager.acquire(resource, WAIT);
    }

    @Override
    public Object tryAcquire(String resource) {
        return manager.tryAcquire(resource).orElse(null);
    }

    /**
     * Shared through {@code acquireShared}, looked up at run time so the harness builds and runs
     * before and after shared locks exist; a backend that refuses them (or a build without them)
     * makes this throw {@link UnsupportedOperationException}, which the harness reports as n/a.
     */
    @Override
    public Object acquireReadWrite(String resource, boolean shared) throws InterruptedException {
        if (!shared) {
            return manager.acquire(resource, WAIT);
        }
        String unsupported = "shared locks on " + manager.backend() + " not yet available";
        if (ACQUIRE_SHARED == null) {
            throw new UnsupportedOperationException(unsupported + " (this holdfast has no LockManager.acquireShared)");
        }
        try {
            return ACQUIRE_SHARED.invoke(manager, resource, WAIT);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnsupportedOperationException) {
                throw new UnsupportedOperationException(unsupported + " (" + cause.getMessage() + ")", cause);
            }
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call LockManager.acquireShared", e);
        }
    }

    private static Method acquireShared() {
        try {
            return LockManager.class.getMethod("acquireShared", String.class, Duration.class);
        } catch (NoSuchMethodException absent) {
            return null;
        }
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

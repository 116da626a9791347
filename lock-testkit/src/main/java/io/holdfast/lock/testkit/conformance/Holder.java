package io.holdfast.lock.testkit.conformance;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A thread that acquires one resource and holds it until told to release, so tests can play a
 * second holder. Package-private: a tool of the conformance kits.
 */
final class Holder implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final CountDownLatch releaseSignal = new CountDownLatch(1);
    private final CompletableFuture<Lease> acquired = new CompletableFuture<>();
    private final CompletableFuture<Boolean> released = new CompletableFuture<>();
    private final Thread thread;

    private Holder(LockManager manager, String resource, boolean shared) {
        thread = new Thread(() -> run(manager, resource, shared), "holder-" + resource.hashCode());
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a thread that acquires {@code resource} and waits until it holds it. */
    static Holder hold(LockManager manager, String resource) {
        Holder h = new Holder(manager, resource, false);
        h.lease();
        return h;
    }

    /** Starts a thread that acquires {@code resource} shared and waits until it holds it. */
    static Holder holdShared(LockManager manager, String resource) {
        Holder h = new Holder(manager, resource, true);
        h.lease();
        return h;
    }

    private void run(LockManager manager, String resource, boolean shared) {
        Lease lease;
        try {
            lease = shared ? manager.acquireShared(resource, WAIT) : manager.acquire(resource, WAIT);
        } catch (Throwable t) {
            acquired.completeExceptionally(t);
            return;
        }
        acquired.complete(lease);
        try {
            releaseSignal.await();
            released.complete(lease.release());
        } catch (Throwable t) {
            released.completeExceptionally(t);
        }
    }

    /** The lease the holder thread got. */
    Lease lease() {
        try {
            return acquired.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the holder thread did not acquire the lock", e);
        }
    }

    /** Releases on the holder thread and waits for it; returns what release() returned. */
    boolean release() {
        releaseSignal.countDown();
        try {
            return released.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the holder thread did not release the lock", e);
        }
    }

    @Override
    public void close() {
        releaseSignal.countDown();
        try {
            thread.join(WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

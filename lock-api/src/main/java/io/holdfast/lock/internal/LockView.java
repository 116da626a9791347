package io.holdfast.lock.internal;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The {@link Lock} view of one resource, exclusive or shared: each thread keeps a stack of the
 * leases it took here.
 */
public final class LockView implements Lock {

    /** The wait used by {@link #lock()}: effectively forever. */
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private final LockManager manager;
    private final String resource;
    private final boolean shared;
    private final ThreadLocal<ArrayDeque<Lease>> leases = ThreadLocal.withInitial(ArrayDeque::new);

    /** Creates an exclusive view; the name is validated here so that mistakes show early. */
    public LockView(LockManager manager, String resource) {
        this(manager, resource, false);
    }

    /** Creates an exclusive or a shared view; the name is validated here. */
    public LockView(LockManager manager, String resource, boolean shared) {
        this.manager = manager;
        this.resource = Names.require("resource", resource);
        this.shared = shared;
    }

    private Lease take(Duration wait) throws InterruptedException {
        return shared ? manager.acquireShared(resource, wait) : manager.acquire(resource, wait);
    }

    @Override
    public void lock() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    leases.get().push(take(FOREVER));
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        leases.get().push(take(FOREVER));
    }

    @Override
    public boolean tryLock() {
        Optional<Lease> lease = shared ? manager.tryAcquireShared(resource)
                : manager.tryAcquire(resource);
        lease.ifPresent(leases.get()::push);
        return lease.isPresent();
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        try {
            leases.get().push(take(Duration.ofNanos(unit.toNanos(Math.max(0, time)))));
            return true;
        } catch (LockTimeoutException e) {
            return false;
        }
    }

    @Override
    public void unlock() {
        Lease lease = leases.get().poll();
        if (lease == null) {
            throw new IllegalMonitorStateException("thread '" + Thread.currentThread().getName()
                    + "' does not hold lock '" + resource + "' through this Lock view");
        }
        lease.release();
    }

    /** Not supported: a distributed lock has no condition queue. */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException(
                "holdfast locks have no conditions; use a status flag or a queue for signalling");
    }

    @Override
    public String toString() {
        return (shared ? "ReadLock[" : "Lock[") + manager.backend() + ":" + resource + "]";
    }
}

package io.holdfast.lock.spi;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LeaseLostException;

/** One lease of a hold of a {@link LockCore}: a handle of its grant, released once. */
final class LeaseHandle<G extends Grant> implements Lease {
    final LockCore<G> manager;
    final ResourceEntry<G> entry;
    final G grant;
    /** The shared hold this lease belongs to; null for an exclusive hold. */
    final ResourceEntry.Shared<G> shared;
    private volatile boolean released;

    LeaseHandle(LockCore<G> manager, ResourceEntry<G> entry, G grant,
            ResourceEntry.Shared<G> shared) {
        this.manager = manager;
        this.entry = entry;
        this.grant = grant;
        this.shared = shared;
    }

    @Override
    public String resource() {
        return grant.resource();
    }

    @Override
    public long fencingToken() {
        return grant.fencingToken();
    }

    @Override
    public boolean isHeld() {
        return !released && !grant.isLost();
    }

    @Override
    public void ensureHeld() {
        if (released) {
            throw new LeaseLostException("lease on lock '" + resource() + "' (fencing token "
                    + fencingToken() + ") was already released");
        }
        if (grant.isLost()) {
            throw new LeaseLostException("lease on lock '" + resource() + "' (fencing token "
                    + fencingToken() + ") was lost: " + grant.lossReason());
        }
    }

    @Override
    public boolean release() {
        Thread current = Thread.currentThread();
        if (current != grant.thread()) {
            throw new IllegalMonitorStateException("lease on lock '" + resource()
                    + "' was acquired by thread '" + grant.thread().getName()
                    + "' and cannot be released by thread '" + current.getName()
                    + "'; release it on the thread that acquired it");
        }
        if (released) {
            return false;
        }
        released = true;
        return manager.release(this);
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public void onLost(Runnable listener) {
        grant.addLossListener(listener);
    }

    @Override
    public String toString() {
        return "Lease[" + manager.backend() + ":" + resource() + (shared != null ? ", shared" : "")
                + ", token " + fencingToken()
                + (isHeld() ? ", held" : released ? ", released" : ", lost") + "]";
    }
}

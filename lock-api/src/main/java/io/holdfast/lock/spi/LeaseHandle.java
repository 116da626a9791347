package io.holdfast.lock.spi;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LeaseLostException;

/**
 * One lease of a hold of a {@link LockCore}: a handle of its grant, released once. It keeps its
 * hold's token and thread, as the grant may be reissued for a later hold once this one ended
 * ({@link LockBackend#reissuesGrants()}): a handle not yet released belongs to the current hold
 * (a hold ends only when its last handle is released), and a released one stays released.
 *
 * <p>The manager stores handles nowhere and passes only their fields on, so a handle used within
 * one method (try-with-resources) can be scalar-replaced by the JIT: no allocation.
 */
final class LeaseHandle<G extends Grant> implements Lease {
    private final LockCore<G> manager;
    private final ResourceEntry<G> entry;
    private final G grant;
    /** The shared hold this lease belongs to; null for an exclusive hold. */
    private final ResourceEntry.Shared<G> shared;
    private final long token;
    private final Thread thread;
    private volatile boolean released;

    LeaseHandle(LockCore<G> manager, ResourceEntry<G> entry, G grant,
            ResourceEntry.Shared<G> shared) {
        this.manager = manager;
        this.entry = entry;
        this.grant = grant;
        this.shared = shared;
        this.token = grant.fencingToken();
        this.thread = grant.thread();
    }

    @Override
    public String resource() {
        return grant.resource();
    }

    @Override
    public long fencingToken() {
        return token;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Not released means this hold is the grant's current one, so its loss flag is this
     * hold's; if the hold ends (and the grant is reissued) after the first read, it ended
     * normally, so "held" was true at that read.
     */
    @Override
    public boolean isHeld() {
        return !released && !grant.isLost();
    }

    @Override
    public void ensureHeld() {
        if (released) {
            throw new LeaseLostException("lease on lock '" + resource() + "' (fencing token "
                    + token + ") was already released");
        }
        if (grant.isLost()) {
            throw new LeaseLostException("lease on lock '" + resource() + "' (fencing token "
                    + token + ") was lost: " + grant.lossReason());
        }
    }

    @Override
    public boolean release() {
        Thread current = Thread.currentThread();
        if (current != thread) {
            throw new IllegalMonitorStateException("lease on lock '" + resource()
                    + "' was acquired by thread '" + thread.getName()
                    + "' and cannot be released by thread '" + current.getName()
                    + "'; release it on the thread that acquired it");
        }
        if (released) {
            return false;
        }
        released = true;
        return manager.release(entry, grant, shared);
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public void onLost(Runnable listener) {
        grant.addLossListener(listener, token);
    }

    @Override
    public String toString() {
        return "Lease[" + manager.backend() + ":" + resource() + (shared != null ? ", shared" : "")
                + ", token " + token
                + (isHeld() ? ", held" : released ? ", released" : ", lost") + "]";
    }
}

package io.holdfast.lock.internal;

import io.holdfast.lock.LockManager;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/** The {@link ReadWriteLock} view of one resource: a shared and an exclusive {@link LockView}. */
public final class ReadWriteView implements ReadWriteLock {

    private final LockView read;
    private final LockView write;

    /** Creates the view; the name is validated here. */
    public ReadWriteView(LockManager manager, String resource) {
        this.read = new LockView(manager, resource, true);
        this.write = new LockView(manager, resource, false);
    }

    @Override
    public Lock readLock() {
        return read;
    }

    @Override
    public Lock writeLock() {
        return write;
    }

    @Override
    public String toString() {
        return "ReadWriteLock[" + write + "]";
    }
}

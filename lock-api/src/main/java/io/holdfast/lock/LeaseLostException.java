package io.holdfast.lock;

/**
 * A lease is no longer held: it expired or could not be renewed before its validity ended, or it
 * was already released. Work that needs the lock must stop.
 */
public class LeaseLostException extends LockException {

    /** Creates the exception with a message naming the resource and how the lease ended. */
    public LeaseLostException(String message) {
        super(message);
    }
}

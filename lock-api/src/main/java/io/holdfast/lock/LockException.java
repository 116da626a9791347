package io.holdfast.lock;

/** The base of every exception holdfast throws about locks and flags. Unchecked. */
public class LockException extends RuntimeException {

    /** Creates an exception with a message that names the resource and the problem. */
    public LockException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public LockException(String message, Throwable cause) {
        super(message, cause);
    }
}

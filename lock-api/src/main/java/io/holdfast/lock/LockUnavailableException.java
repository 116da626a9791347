package io.holdfast.lock;

/**
 * The backend could not be reached or did not answer in time (Redis down, connection refused,
 * command timeout after retries, file system error). The message names the endpoint, never a
 * password.
 */
public class LockUnavailableException extends LockException {

    /** Creates the exception with a message naming the endpoint and the fix. */
    public LockUnavailableException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public LockUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

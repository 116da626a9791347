package io.holdfast.lock;

import io.holdfast.lock.internal.Durations;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The lock was not granted within the caller's wait.
 *
 * <p>The message names the resource and the wait and, when the backend can tell, the holder.
 * The holder detail may cost the backend a round trip, so a manager computes it when the
 * message is first read, not before throwing: a timeout is never delayed by it.
 */
public class LockTimeoutException extends LockException {

    private static final long serialVersionUID = 1L;

    private final String resource;
    private final Duration wait;
    /** Computes the detail on first use; null once the message is built. */
    private transient Supplier<String> detail;
    private volatile String message;

    /**
     * Creates the exception.
     *
     * @param resource the resource that was not granted
     * @param wait how long the caller waited
     * @param detail backend context (holder, attempts), or empty
     */
    public LockTimeoutException(String resource, Duration wait, String detail) {
        this(resource, wait, () -> detail);
    }

    /**
     * Creates the exception whose backend context is computed when the message is first read
     * (once; a detail that throws is left out).
     *
     * @param resource the resource that was not granted
     * @param wait how long the caller waited
     * @param detail computes the backend context (holder, attempts), or empty
     */
    public LockTimeoutException(String resource, Duration wait, Supplier<String> detail) {
        super(null);
        this.resource = Objects.requireNonNull(resource, "resource");
        this.wait = Objects.requireNonNull(wait, "wait");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String getMessage() {
        String m = message;
        return m != null ? m : buildMessage();
    }

    private synchronized String buildMessage() {
        if (message == null) {
            String d;
            try {
                d = detail.get();
            } catch (RuntimeException e) {
                d = "";
            }
            message = "lock '" + resource + "' not acquired within " + Durations.format(wait)
                    + (d == null || d.isEmpty() ? "" : " (" + d + ")");
            detail = null;
        }
        return message;
    }

    /** The resource that was not granted. */
    public String resource() {
        return resource;
    }

    /** How long the caller waited. */
    public Duration waited() {
        return wait;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        getMessage(); // the supplier does not travel: resolve the message first
        out.defaultWriteObject();
    }
}

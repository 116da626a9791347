package io.holdfast.lock;

import io.holdfast.lock.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/** The lock was not granted within the caller's wait. */
public class LockTimeoutException extends LockException {

    private final String resource;
    private final Duration wait;

    /**
     * Creates the exception.
     *
     * @param resource the resource that was not granted
     * @param wait how long the caller waited
     * @param detail backend context (holder, attempts), or empty
     */
    public LockTimeoutException(String resource, Duration wait, String detail) {
        super("lock '" + resource + "' not acquired within " + Durations.format(wait)
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        this.resource = Objects.requireNonNull(resource, "resource");
        this.wait = Objects.requireNonNull(wait, "wait");
    }

    /** The resource that was not granted. */
    public String resource() {
        return resource;
    }

    /** How long the caller waited. */
    public Duration waited() {
        return wait;
    }
}

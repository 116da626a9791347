package io.holdfast.reliability.history;

/**
 * One hold of a lock as its owner believed it: from the acquire's OK to the release's invocation
 * or the report of its loss (or the owner's last event, if it died holding it).
 *
 * @param resource the lock
 * @param owner {@code process/thread}
 * @param token the fencing token granted
 * @param invokedNanos when the acquire was invoked
 * @param startNanos when the acquire returned
 * @param endNanos when the owner stopped believing it held the lock
 * @param shared true for a shared (read) hold: shared holds may overlap each other
 */
public record Hold(String resource, String owner, long token, long invokedNanos, long startNanos, long endNanos,
        boolean shared) {

    /** An exclusive hold. */
    public Hold(String resource, String owner, long token, long invokedNanos, long startNanos, long endNanos) {
        this(resource, owner, token, invokedNanos, startNanos, endNanos, false);
    }

    /** True if both holds cover a common instant and at least one is exclusive. */
    public boolean conflicts(Hold other) {
        return (!shared || !other.shared) && overlaps(other);
    }

    /** True if both holds cover a common instant. */
    public boolean overlaps(Hold other) {
        return startNanos < other.endNanos && other.startNanos < endNanos;
    }
}

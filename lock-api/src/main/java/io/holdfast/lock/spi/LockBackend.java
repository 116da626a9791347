package io.holdfast.lock.spi;

import io.holdfast.lock.LockInfo;
import java.util.Optional;

/**
 * What a backend implements: take a lock for the calling thread, give it back, describe its
 * holder. The manager built on it ({@link ComposedLockManager}) owns everything else: name and
 * wait validation, reentrancy, queueing the threads of this JVM on a local read-write lock per
 * resource (so only one exclusive thread per resource, or the concurrent shared ones, call
 * {@link #grant}), lease handles, local handoff, loss reporting and metrics.
 *
 * <p>Required: {@link #grant}, {@link #revoke}, {@link #describe}. The other hooks have
 * defaults: no shared locks, nothing to discard for a lost grant, no handoff between threads of
 * this JVM, holder detail from {@link #describe}, nothing to close. Implementations must be
 * thread-safe: hooks for different resources run concurrently.
 *
 * @param <G> the backend's grant type
 */
public interface LockBackend<G extends Grant> {

    /**
     * Takes the lock on {@code resource} for the calling thread, which already holds this JVM's
     * local lock on it: its write lock for {@link LockMode#EXCLUSIVE}; its read lock for
     * {@link LockMode#SHARED}, so other threads of this JVM may be granted or hold shared grants
     * of the resource meanwhile and the backend shares what it holds between them. The token
     * must be greater than every earlier grant's of the resource, of either mode. Called with
     * {@code SHARED} only if {@link #supportsShared()}.
     *
     * @param deadlineNanos the {@link System#nanoTime()} by which to give up; a single attempt if
     *     it has passed
     * @return the grant, or null if the lock was not granted by the deadline
     * @throws InterruptedException if interrupted while waiting
     */
    G grant(String resource, long deadlineNanos, LockMode mode) throws InterruptedException;

    /**
     * Whether this backend's exclusive grants carry nothing but their token: no state of their
     * own per hold and nothing to give back that {@link #revoke} would not do for any grant of
     * the resource (the local backend). Then the manager keeps the grant of an exclusive hold
     * released normally with the resource's idle entry and, for the resource's next exclusive
     * hold, issues it again with a token from {@link #reissueToken} instead of calling
     * {@link #grant}: a resource used again allocates no grant. Asked once, when the manager is
     * built; false by default.
     */
    default boolean reissuesGrants() {
        return false;
    }

    /**
     * The token of the next exclusive grant of {@code resource}, for a backend that
     * {@link #reissuesGrants()}: called instead of {@link #grant} (same preconditions: the caller
     * holds the local write lock) when the manager reissues an ended grant. The same token rule
     * applies: greater than every earlier grant's of the resource.
     *
     * @throws UnsupportedOperationException by default
     */
    default long reissueToken(String resource) {
        throw new UnsupportedOperationException("this backend does not reissue grants");
    }

    /**
     * Whether this backend grants {@link LockMode#SHARED} locks; false by default, when shared
     * requests fail with {@link UnsupportedOperationException} naming the backend.
     */
    default boolean supportsShared() {
        return false;
    }

    /**
     * Gives back a grant that was not lost ({@link Grant#isShared()} tells which kind). Called on
     * the holding thread, or by the manager's {@code close()}.
     *
     * @return false if the backend found the lock no longer ours (expired, taken over)
     */
    boolean revoke(G grant);

    /**
     * Frees what a lost grant still holds, when its last lease is released; called on the holding
     * thread instead of {@link #revoke}. Most backends hold nothing once a grant is lost; a
     * backend composed of other managers releases their leases here. Does nothing by default.
     */
    default void discardLost(G grant) {}

    /**
     * Whether an exclusive lease released while other threads of this JVM wait for the resource
     * may be handed to the next of them without a backend call (see {@link #inherit}). Called on
     * the releasing thread with a grant that is not lost; false by default.
     */
    default boolean mayHandOn(G grant) {
        return false;
    }

    /**
     * Takes over, for the calling thread, a lease its previous holder handed on
     * ({@link #mayHandOn} returned true): a new grant of the same backend lock with a greater
     * fencing token, or null if it can no longer be handed on (then it is revoked and
     * {@link #grant} is called). Called with a grant that is not lost; null by default.
     */
    default G inherit(G handedOn) {
        return null;
    }

    /** Describes the holder from the backend's point of view. */
    Optional<LockInfo> describe(String resource);

    /**
     * Extra context for the message of a timeout (the current holder, the endpoint), or empty.
     * Called only when the message of a {@link io.holdfast.lock.LockTimeoutException} thrown to
     * a caller is first read, never before the exception is thrown, so it may make a round trip
     * without delaying the timeout. By default, the holder from {@link #describe}.
     */
    default String timeoutDetail(String resource) {
        try {
            return describe(resource).map(i -> "held by " + i.holder()).orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Releases backend resources; called once, by the manager's {@code close()}, last. */
    default void close() {}
}

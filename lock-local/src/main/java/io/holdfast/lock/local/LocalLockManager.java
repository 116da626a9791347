package io.holdfast.lock.local;

import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.spi.AbstractLockManager;
import io.holdfast.lock.spi.Grant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Locks among the threads of one JVM, with the full {@link LockManager} contract (reentrancy,
 * fencing tokens, timeouts, interrupts, shared locks). Two managers do not exclude each other:
 * share one.
 *
 * <p>Per-resource state exists only while a thread holds or waits for the resource, so any number
 * of distinct names can be used. Thread-safe.
 */
public final class LocalLockManager extends AbstractLockManager<Grant> {

    /** One counter for all resources: strictly increasing per resource, and cheap. */
    private final AtomicLong tokens = new AtomicLong();

    private LocalLockManager(LocalLockSettings settings) {
        super("local", settings.fair(), settings.meterRegistry().orElse(null));
    }

    /** A manager with {@linkplain LocalLockSettings#ofDefaults() default settings}. */
    public static LocalLockManager create() {
        return create(LocalLockSettings.ofDefaults());
    }

    /** A manager with the given settings. */
    public static LocalLockManager create(LocalLockSettings settings) {
        return new LocalLockManager(Objects.requireNonNull(settings, "settings"));
    }

    /** The local lock already excludes other threads; this only issues the token. */
    @Override
    protected Grant grant(String resource, long deadlineNanos) {
        return new LocalGrant(resource, tokens.incrementAndGet(), lossReporter());
    }

    @Override
    protected boolean supportsShared() {
        return true;
    }

    /** The local read lock already admits only readers; this only issues the token. */
    @Override
    protected Grant grantShared(String resource, long deadlineNanos) {
        return grant(resource, deadlineNanos);
    }

    @Override
    protected boolean revoke(Grant grant) {
        return true;
    }

    @Override
    protected Optional<LockInfo> describe(String resource) {
        return localGrant(resource).map(g -> new LockInfo(resource, holderName(g.thread()),
                g.fencingToken(), g.acquiredAt(), Optional.empty()));
    }

    @Override
    public String toString() {
        return "LocalLockManager[" + ownerId().substring(0, 8) + "]";
    }

    /** A grant that only carries its token. */
    private static final class LocalGrant extends Grant {
        LocalGrant(String resource, long token, LossReporter reporter) {
            super(resource, token, System.nanoTime(), reporter);
        }
    }
}

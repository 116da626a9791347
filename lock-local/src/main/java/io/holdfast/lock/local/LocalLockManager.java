package io.holdfast.lock.local;

import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.spi.ComposedLockManager;
import io.holdfast.lock.spi.Grant;
import io.holdfast.lock.spi.LockBackend;
import io.holdfast.lock.spi.LockContext;
import io.holdfast.lock.spi.LockMode;
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
public final class LocalLockManager extends ComposedLockManager {

    private final String ownerId;

    private LocalLockManager(LocalLockSettings settings) {
        super("local", settings.fair(), settings.meterRegistry().orElse(null), Tokens::new);
        this.ownerId = backend(Tokens.class).context.ownerId();
    }

    /** A manager with {@linkplain LocalLockSettings#ofDefaults() default settings}. */
    public static LocalLockManager create() {
        return create(LocalLockSettings.ofDefaults());
    }

    /** A manager with the given settings. */
    public static LocalLockManager create(LocalLockSettings settings) {
        return new LocalLockManager(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public String toString() {
        return "LocalLockManager[" + ownerId.substring(0, 8) + "]";
    }

    /**
     * The trivial backend: the manager's local read-write lock already excludes other threads
     * (or admits only readers), so a grant only issues the token.
     */
    private static final class Tokens implements LockBackend<Grant> {
        final LockContext<Grant> context;
        /** One counter for all resources: strictly increasing per resource, and cheap. */
        private final AtomicLong tokens = new AtomicLong();

        Tokens(LockContext<Grant> context) {
            this.context = context;
        }

        @Override
        public Grant grant(String resource, long deadlineNanos, LockMode mode) {
            return new LocalGrant(resource, tokens.incrementAndGet(), context.lossReporter());
        }

        /** A grant is its token alone: the manager reissues an ended one (no allocation). */
        @Override
        public boolean reissuesGrants() {
            return true;
        }

        @Override
        public long reissueToken(String resource) {
            return tokens.incrementAndGet();
        }

        @Override
        public boolean supportsShared() {
            return true;
        }

        @Override
        public boolean revoke(Grant grant) {
            return true;
        }

        @Override
        public Optional<LockInfo> describe(String resource) {
            return context.localGrant(resource).map(g -> new LockInfo(resource,
                    context.holderName(g.thread()), g.fencingToken(), g.acquiredAt(),
                    Optional.empty()));
        }
    }

    /** A grant that only carries its token (reissued by the manager for later holds). */
    private static final class LocalGrant extends Grant {
        LocalGrant(String resource, long token, LossReporter reporter) {
            super(resource, token, System.nanoTime(), reporter);
        }
    }
}

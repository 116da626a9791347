package io.holdfast.lock.internal.env;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.internal.Leases;
import io.holdfast.lock.spi.ComposedLockManager;
import io.holdfast.lock.spi.FencingCounter;
import io.holdfast.lock.spi.Grant;
import io.holdfast.lock.spi.LockBackend;
import io.holdfast.lock.spi.LockContext;
import io.holdfast.lock.spi.LockMode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The migration lock of {@code USE_NEW_LOCKS=dual}: every grant takes the {@code first} manager's
 * lock (the host-wide file lock), then the {@code second}'s (the new backend), within one
 * deadline, and releases them in reverse order. It therefore excludes instances that use only
 * the first and instances that use only the second.
 *
 * <p>Tokens: by default the lease carries the second's token (shared by every instance of the
 * new backend), and when the first is a {@link FencingCounter} its counter is raised to that
 * token while both are held, so an instance that uses only the first gets a greater token next
 * and tokens increase across {@code false} and {@code dual} instances as well. For a second
 * backend whose tokens are per process (the in-process {@code local} backend),
 * {@link #withTokensOfFirst} makes the lease carry the first's token instead: it is shared by the
 * processes of the host, where the second's would repeat.
 *
 * <p>Shared grants take both managers' locks shared, in the same order (a manager without shared
 * locks refuses them). Reentrancy, in-JVM queueing and lease handles come from
 * {@link ComposedLockManager}; a grant holds one lease of each manager. The grant is lost when either lease is lost. This manager owns
 * both managers and closes them.
 */
public final class DualLockManager extends ComposedLockManager {

    private DualLockManager(LockManager first, LockManager second, boolean tokensOfFirst,
            MeterRegistry registry) {
        super("dual(" + first.backend() + "+" + second.backend() + ")", true, registry,
                (LockContext<DualGrant> context) ->
                        new Dual(context, first, second, tokensOfFirst));
    }

    /**
     * Composes two managers; the result owns them. Leases carry the second's tokens, and the
     * first's counter is raised to each of them when the first is a {@link FencingCounter}.
     *
     * @param first the manager whose lock is taken first (the legacy file locks)
     * @param second the manager whose lock is taken second and whose tokens leases carry
     * @param registry where to record metrics, or null
     */
    public static DualLockManager of(LockManager first, LockManager second, MeterRegistry registry) {
        return new DualLockManager(Objects.requireNonNull(first, "first"),
                Objects.requireNonNull(second, "second"), false, registry);
    }

    /**
     * Composes two managers whose leases carry the first's tokens: for a second backend whose
     * tokens are not shared between processes. The result owns both managers.
     *
     * @param first the manager whose lock is taken first and whose tokens leases carry
     * @param second the manager whose lock is taken second
     * @param registry where to record metrics, or null
     */
    public static DualLockManager withTokensOfFirst(LockManager first, LockManager second,
            MeterRegistry registry) {
        return new DualLockManager(Objects.requireNonNull(first, "first"),
                Objects.requireNonNull(second, "second"), true, registry);
    }

    /** The backend: both managers' locks, in order. */
    private static final class Dual implements LockBackend<DualGrant> {
        private final LockContext<DualGrant> context;
        private final LockManager first;
        private final LockManager second;
        private final boolean tokensOfFirst;

        Dual(LockContext<DualGrant> context, LockManager first, LockManager second,
                boolean tokensOfFirst) {
            this.context = context;
            this.first = first;
            this.second = second;
            this.tokensOfFirst = tokensOfFirst;
        }

        @Override
        public boolean supportsShared() {
            return true;
        }

        @Override
        public DualGrant grant(String resource, long deadlineNanos, LockMode mode)
                throws InterruptedException {
            boolean shared = mode == LockMode.SHARED;
            long start = System.nanoTime();
            Lease outer = Leases.takeBy(first, resource, deadlineNanos, shared);
            if (outer == null) {
                return null;
            }
            Lease inner;
            long token;
            try {
                inner = Leases.takeBy(second, resource, deadlineNanos, shared);
                if (inner == null) {
                    outer.release();
                    return null;
                }
                token = tokensOfFirst ? outer.fencingToken() : inner.fencingToken();
                if (!tokensOfFirst && first instanceof FencingCounter) {
                    raise((FencingCounter) first, outer, inner, token);
                }
            } catch (InterruptedException | RuntimeException | Error e) {
                releaseQuietly(outer, e);
                throw e;
            }
            DualGrant g = new DualGrant(resource, token, start, context.lossReporter(), outer,
                    inner);
            outer.onLost(() -> g.markLost("its " + first.backend() + " lock was lost"));
            inner.onLost(() -> g.markLost("its " + second.backend() + " lock was lost"));
            return g;
        }

        /** Raises the first's counter to the lease's token; on failure frees the second's lock. */
        private static void raise(FencingCounter counter, Lease outer, Lease inner, long token) {
            try {
                counter.raiseCounter(outer, token);
            } catch (RuntimeException | Error e) {
                releaseQuietly(inner, e);
                throw e;
            }
        }

        @Override
        public boolean revoke(DualGrant g) {
            boolean innerHeld;
            try {
                innerHeld = g.inner.release();
            } catch (RuntimeException | Error e) {
                releaseQuietly(g.outer, e);
                throw e;
            }
            return g.outer.release() & innerHeld;
        }

        @Override
        public void discardLost(DualGrant g) {
            revoke(g);
        }

        @Override
        public Optional<LockInfo> describe(String resource) {
            LockManager tokens = tokensOfFirst ? first : second;
            Optional<LockInfo> held = tokens.inspect(resource);
            return held.isPresent() ? held : (tokensOfFirst ? second : first).inspect(resource);
        }

        @Override
        public void close() {
            try {
                second.close();
            } finally {
                first.close();
            }
        }

    }

    private static void releaseQuietly(Lease lease, Throwable failure) {
        try {
            lease.release();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    /** A grant holding one lease of each manager. */
    static final class DualGrant extends Grant {
        final Lease outer;
        final Lease inner;

        DualGrant(String resource, long token, long requestedNanos, LossReporter reporter,
                Lease outer, Lease inner) {
            super(resource, token, Instant.now(), requestedNanos, reporter);
            this.outer = outer;
            this.inner = inner;
        }
    }
}

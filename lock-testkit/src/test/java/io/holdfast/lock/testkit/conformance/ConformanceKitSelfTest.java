package io.holdfast.lock.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.spi.ComposedLockManager;
import io.holdfast.lock.spi.Grant;
import io.holdfast.lock.spi.LockBackend;
import io.holdfast.lock.spi.LockContext;
import io.holdfast.lock.spi.LockMode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The kit must fail broken backends: each case breaks one promise and runs the test that pins it. */
class ConformanceKitSelfTest {

    @Test
    void counterTest_failsWhenManagersClaimToShareLocksButDoNot() {
        AtomicLong tokens = new AtomicLong();
        Kit kit = new Kit(() -> new Broken(tokens::incrementAndGet, true), true);
        kit.createManager();
        try {
            assertThatThrownBy(() -> kit.new MutualExclusion().counter_underContention_isExact())
                    .isInstanceOf(AssertionError.class).hasMessageContaining("increments");
        } finally {
            kit.closeManagers();
        }
    }

    @Test
    void tokenTest_failsWhenTokensDoNotIncrease() {
        Kit kit = new Kit(() -> new Broken(() -> 7, true), false);
        kit.createManager();
        try {
            assertThatThrownBy(() -> kit.new MutualExclusion().fencingTokens_strictlyIncrease_acrossEveryGrant())
                    .isInstanceOf(AssertionError.class).hasMessageContaining("did not increase");
        } finally {
            kit.closeManagers();
        }
    }

    @Test
    void inspectTest_failsWhenHolderIsNotDescribed() {
        AtomicLong tokens = new AtomicLong();
        Kit kit = new Kit(() -> new Broken(tokens::incrementAndGet, false), false);
        kit.createManager();
        try {
            assertThatThrownBy(() -> kit.new Inspect().inspect_whenHeld_namesHolderAndToken())
                    .isInstanceOf(Exception.class);
        } finally {
            kit.closeManagers();
        }
    }

    @Test
    void sharedTokenTest_failsWhenConcurrentReadersShareATokenOrTokensDoNotIncrease() {
        Kit kit = new Kit(() -> new Broken(() -> 7, true), false);
        kit.createManager();
        try {
            assertThatThrownBy(() -> kit.new SharedLocks().readers_reallyOverlap_withDistinctTokens())
                    .isInstanceOf(AssertionError.class);
            assertThatThrownBy(() -> kit.new SharedLocks().mixedStress_noTornValue_andTokensIncreaseAcrossModes())
                    .isInstanceOf(AssertionError.class).hasMessageContaining("token");
        } finally {
            kit.closeManagers();
        }
    }

    /** The kit around a factory of broken managers. */
    private static final class Kit extends LockManagerConformance {
        private final java.util.function.Supplier<LockManager> factory;
        private final boolean shares;

        Kit(java.util.function.Supplier<LockManager> factory, boolean shares) {
            this.factory = factory;
            this.shares = shares;
        }

        @Override
        protected LockManager newManager() {
            return factory.get();
        }

        @Override
        protected boolean managersShareLocks() {
            return shares;
        }
    }

    /** Excludes threads of one manager only (the shared core does that), with injectable tokens. */
    private static final class Broken extends ComposedLockManager {
        Broken(LongSupplier tokens, boolean describes) {
            super("broken", false, null, (LockContext<Grant> context) -> new LockBackend<Grant>() {
                @Override
                public Grant grant(String resource, long deadlineNanos, LockMode mode) {
                    return new Grant(resource, tokens.getAsLong(), Instant.now(), System.nanoTime(),
                            context.lossReporter()) {};
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
                    return describes ? context.localGrant(resource).map(g -> new LockInfo(resource,
                            "me", g.fencingToken(), g.acquiredAt(), Optional.empty()))
                            : Optional.empty();
                }
            });
        }
    }
}

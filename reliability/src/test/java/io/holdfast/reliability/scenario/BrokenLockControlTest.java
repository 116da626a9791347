package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.LockInfo;
import io.holdfast.lock.spi.ComposedLockManager;
import io.holdfast.lock.spi.Grant;
import io.holdfast.lock.spi.LockBackend;
import io.holdfast.lock.spi.LockContext;
import io.holdfast.lock.spi.LockMode;
import io.holdfast.reliability.history.CheckReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The negative control: the same workload and checker on a lock that grants everybody at once
 * must report overlaps and rejected writes, and with per-manager counters, reused tokens and
 * shared-token writes. Proves the scenario assertions can fail.
 */
class BrokenLockControlTest {

    /** Grants every request at once (within one manager the shared core still queues threads). */
    private static final class NoExclusion extends ComposedLockManager {
        NoExclusion(AtomicLong tokens) {
            super("broken", false, null, (LockContext<Grant> context) -> new LockBackend<Grant>() {
                @Override
                public Grant grant(String resource, long deadlineNanos, LockMode mode) {
                    return new Grant(resource, tokens.incrementAndGet(), Instant.now(),
                            System.nanoTime(), context.lossReporter()) {
                    };
                }

                @Override
                public boolean revoke(Grant grant) {
                    return true;
                }

                @Override
                public Optional<LockInfo> describe(String resource) {
                    return Optional.empty();
                }
            });
        }
    }

    /** Grants after which a control gives up looking for what it must see (about a minute of rounds). */
    private static final long MAX_GRANTS = 20_000;

    /**
     * Runs two contenders on the broken lock until the history shows what {@code mustSee} asks
     * for, or {@value #MAX_GRANTS} grants were made (whatever the machine's load: no fixed time).
     */
    private static CheckReport run(String name, AtomicLong first, AtomicLong second,
            Predicate<CheckReport> mustSee) throws Exception {
        try (Scenario scenario = new Scenario(name)) {
            for (AtomicLong tokens : List.of(first, second)) {
                NoExclusion manager = new NoExclusion(tokens);
                scenario.adopt(manager);
                scenario.startContender(manager, List.of("x"), Duration.ofSeconds(1), Duration.ofMillis(2));
            }
            while (scenario.grants() < MAX_GRANTS && !mustSee.test(scenario.check())) {
                Thread.sleep(50);
            }
            scenario.stopContenders(Duration.ofSeconds(10));
            return scenario.report("control=broken-lock grants=" + scenario.grants());
        }
    }

    @Test
    void lockWithoutExclusion_isCaught() throws Exception {
        AtomicLong shared = new AtomicLong();
        CheckReport report = run("control-no-exclusion", shared, shared,
                r -> !r.overlaps().isEmpty() && r.writesRejected() > 0);
        assertThat(report.overlaps()).isNotEmpty();
        assertThat(report.writesRejected()).isPositive();
        assertThat(report.staleAccepted()).isEmpty(); // the fence still holds
    }

    @Test
    void tokensThatRepeat_areCaught() throws Exception {
        CheckReport report = run("control-repeating-tokens", new AtomicLong(), new AtomicLong(),
                r -> !r.tokenReuses().isEmpty() && !r.sharedTokenWrites().isEmpty());
        assertThat(report.tokenReuses()).isNotEmpty();
        assertThat(report.sharedTokenWrites()).isNotEmpty();
        assertThat(report.fenceSafe()).isFalse();
    }
}

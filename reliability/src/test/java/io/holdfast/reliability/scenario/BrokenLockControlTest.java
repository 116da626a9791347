package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.LockInfo;
import io.holdfast.lock.spi.AbstractLockManager;
import io.holdfast.lock.spi.Grant;
import io.holdfast.reliability.history.CheckReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The negative control: the same workload and checker on a lock that grants everybody at once
 * must report overlaps and rejected writes, and with per-manager counters, reused tokens and
 * shared-token writes. Proves the scenario assertions can fail.
 */
class BrokenLockControlTest {

    /** Grants every request at once (within one manager the base class still queues threads). */
    private static final class NoExclusion extends AbstractLockManager<Grant> {
        private final AtomicLong tokens;

        NoExclusion(AtomicLong tokens) {
            super("broken", false, null);
            this.tokens = tokens;
        }

        @Override
        protected Grant grant(String resource, long deadlineNanos) {
            return new Grant(resource, tokens.incrementAndGet(), Instant.now(), System.nanoTime(), lossReporter()) {
            };
        }

        @Override
        protected boolean revoke(Grant grant) {
            return true;
        }

        @Override
        protected Optional<LockInfo> describe(String resource) {
            return Optional.empty();
        }
    }

    private static CheckReport run(String name, AtomicLong first, AtomicLong second) throws Exception {
        try (Scenario scenario = new Scenario(name)) {
            for (AtomicLong tokens : List.of(first, second)) {
                NoExclusion manager = new NoExclusion(tokens);
                scenario.adopt(manager);
                scenario.startContender(manager, List.of("x"), Duration.ofSeconds(1), Duration.ofMillis(2));
            }
            Thread.sleep(1000);
            scenario.stopContenders(Duration.ofSeconds(10));
            return scenario.report("control=broken-lock");
        }
    }

    @Test
    void lockWithoutExclusion_isCaught() throws Exception {
        AtomicLong shared = new AtomicLong();
        CheckReport report = run("control-no-exclusion", shared, shared);
        assertThat(report.overlaps()).isNotEmpty();
        assertThat(report.writesRejected()).isPositive();
        assertThat(report.staleAccepted()).isEmpty(); // the fence still holds
    }

    @Test
    void tokensThatRepeat_areCaught() throws Exception {
        CheckReport report = run("control-repeating-tokens", new AtomicLong(), new AtomicLong());
        assertThat(report.tokenReuses()).isNotEmpty();
        assertThat(report.sharedTokenWrites()).isNotEmpty();
        assertThat(report.fenceSafe()).isFalse();
    }
}

package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LeaseTimingTest {

    @Test
    void defaultLease_derivesTheDocumentedFigures() {
        LeaseTiming t = LeaseTiming.of(Duration.ofSeconds(30));
        assertThat(t.renewalPeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.leaseMargin()).isEqualTo(Duration.ofMillis(3002));
        assertThat(t.queueRefresh()).as("capped at one second").isEqualTo(Duration.ofSeconds(1));
        assertThat(t.queueEntryLifetime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.claim()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.claimConfirmDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.claimMargin()).isEqualTo(Duration.ofMillis(302));
        assertThat(t.checkPeriod()).isEqualTo(Duration.ofMillis(150));
        assertThat(t.renewalRetryDelay()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void shortLease_refreshesEveryQuarter_andTheClaimIsThreeQuarters() {
        LeaseTiming t = LeaseTiming.of(Duration.ofMillis(200));
        assertThat(t.queueRefresh()).isEqualTo(Duration.ofMillis(50));
        assertThat(t.claim()).isEqualTo(Duration.ofMillis(150));
        assertThat(t.checkPeriod()).isEqualTo(Duration.ofNanos(7_500_000));
    }

    @Test
    void tinyLease_keepsPeriodsAtLeastOneMillisecond() {
        LeaseTiming t = LeaseTiming.of(Duration.ofMillis(2));
        assertThat(t.queueRefresh()).isEqualTo(Duration.ofMillis(1));
        assertThat(t.checkPeriod()).isEqualTo(Duration.ofMillis(1));
    }

    /** The rules that make the protocol safe hold for every lease, not only the default. */
    @ParameterizedTest
    @ValueSource(longs = {100, 200, 999, 1_000, 4_000, 5_000, 30_000, 600_000})
    void invariants_holdForEveryLease(long leaseMillis) {
        Duration lease = Duration.ofMillis(leaseMillis);
        LeaseTiming t = LeaseTiming.of(lease);
        assertThat(t.claim()).as("a claim is at most 3/4 of the lease")
                .isLessThanOrEqualTo(lease.multipliedBy(3).dividedBy(4));
        assertThat(t.queueEntryLifetime()).as("an entry outlives two missed refreshes")
                .isEqualTo(t.queueRefresh().multipliedBy(3));
        assertThat(t.checkPeriod()).as("a lost claim is reported before Redis expires it")
                .isLessThan(t.claimMargin());
        assertThat(t.checkPeriod()).isLessThan(t.leaseMargin());
        assertThat(t.renewalPeriod()).as("two renewals fit in the validity")
                .isLessThan(lease.minus(t.leaseMargin()).dividedBy(2));
        assertThat(t.claimConfirmDelay()).as("the claim is confirmed while still valid")
                .isLessThan(t.claim().minus(t.claimMargin()));
        long sent = 1_000_000L;
        assertThat(t.validUntil(sent)).isEqualTo(sent + lease.minus(t.leaseMargin()).toNanos());
        assertThat(t.claimValidUntil(sent))
                .isEqualTo(sent + t.claim().minus(t.claimMargin()).toNanos());
    }

    @Test
    void handingOn_needsMoreThanHalfALeaseOfValidity() {
        LeaseTiming t = LeaseTiming.of(Duration.ofSeconds(10));
        long now = 50_000_000_000L;
        assertThat(t.mayHandOn(now + Duration.ofSeconds(6).toNanos(), now)).isTrue();
        assertThat(t.mayHandOn(now + Duration.ofSeconds(5).toNanos(), now)).isFalse();
        assertThat(t.mayHandOn(now - 1, now)).isFalse();
    }

    @Test
    void nonPositiveLease_isRejected() {
        assertThatThrownBy(() -> LeaseTiming.of(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> LeaseTiming.of(null)).isInstanceOf(NullPointerException.class);
    }
}

package io.holdfast.lock.redis.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Every duration the Redis client derives from the configured lease, in one place: the rules
 * depend on each other (the claim is a queue entry's lifetime, the validity check runs below the
 * claim's margin, a waiter refreshes before its entry expires), so they are written and tested
 * together. Immutable.
 *
 * <ul>
 *   <li>renewal every lease/3; a renewal confirms the lease until {@code sent + lease - margin},
 *       margin = lease/10 + 2ms (clock drift, and the loss check's own period);
 *   <li>a queued waiter refreshes its entry every lease/4, at most every second (at least 1ms);
 *       an entry lives three refresh periods;
 *   <li>the claim lease a release hands a waiter is an entry's lifetime (at most 3/4 of the
 *       lease); the waiter's process confirms it to the full lease a third of the way in;
 *   <li>validity is checked every claim/20 (at least 1ms), below the claim's margin, so a lost
 *       claim is reported before Redis can expire it; a failed renewal is retried after two
 *       checks;
 *   <li>a held lease is handed to another thread of this process only while it is known valid
 *       for more than half a lease.
 * </ul>
 */
public final class LeaseTiming {

    private static final Duration MAX_QUEUE_REFRESH = Duration.ofSeconds(1);
    private static final Duration MIN_PERIOD = Duration.ofMillis(1);

    private final Duration lease;
    private final Duration queueRefresh;
    private final Duration claim;
    private final Duration checkPeriod;
    /** Computed once: {@code Duration.dividedBy} divides in {@code BigDecimal}, per handoff. */
    private final Duration claimConfirmDelay;
    private final long leaseValidityNanos;
    private final long claimValidityNanos;

    private LeaseTiming(Duration lease) {
        this.lease = lease;
        this.queueRefresh = Duration.ofMillis(Math.min(MAX_QUEUE_REFRESH.toMillis(),
                Math.max(MIN_PERIOD.toMillis(), lease.toMillis() / 4)));
        this.claim = queueRefresh.multipliedBy(3);
        this.checkPeriod = max(MIN_PERIOD, claim.dividedBy(20));
        this.claimConfirmDelay = claim.dividedBy(3);
        this.leaseValidityNanos = lease.minus(margin(lease)).toNanos();
        this.claimValidityNanos = claim.minus(margin(claim)).toNanos();
    }

    /**
     * The timing for {@code lease}.
     *
     * @throws IllegalArgumentException if the lease is not positive
     */
    public static LeaseTiming of(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isZero() || lease.isNegative()) {
            throw new IllegalArgumentException("lease must be positive, but was " + lease);
        }
        return new LeaseTiming(lease);
    }

    /** How much earlier than {@code term} a holder stops trusting it: term/10 + 2ms. */
    static Duration margin(Duration term) {
        return term.dividedBy(10).plusMillis(2);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The configured lease. */
    public Duration lease() {
        return lease;
    }

    /** How much earlier than the lease a holder stops trusting it: lease/10 + 2ms. */
    public Duration leaseMargin() {
        return margin(lease);
    }

    /** How often held leases are renewed (and an instance registration refreshed): lease/3. */
    public Duration renewalPeriod() {
        return lease.dividedBy(3);
    }

    /** How often a queued waiter refreshes its queue entry: lease/4, between 1ms and 1s. */
    public Duration queueRefresh() {
        return queueRefresh;
    }

    /** How long a queue entry lives without a refresh: three refresh periods. */
    public Duration queueEntryLifetime() {
        return claim;
    }

    /**
     * The lease a release gives the waiter it hands the lock to: as long as a queue entry lives
     * (at most 3/4 of the lease). A waiter that died after its last refresh blocks the lock only
     * this long.
     */
    public Duration claim() {
        return claim;
    }

    /** When a claim is confirmed to the full lease: a third of the way into the claim. */
    public Duration claimConfirmDelay() {
        return claimConfirmDelay;
    }

    /** How much earlier than the claim a holder stops trusting it: claim/10 + 2ms. */
    public Duration claimMargin() {
        return margin(claim);
    }

    /**
     * How often validity is checked: claim/20 (at least 1ms), below the claim's margin, so that
     * a lost claim is reported before Redis expires it.
     */
    public Duration checkPeriod() {
        return checkPeriod;
    }

    /** How long after a failed renewal it is tried again: two validity checks. */
    public Duration renewalRetryDelay() {
        return checkPeriod.multipliedBy(2);
    }

    /** The validity end of a lease whose acquire or renewal was sent at {@code sentNanos}. */
    public long validUntil(long sentNanos) {
        return sentNanos + leaseValidityNanos;
    }

    /** The validity end of a claim set by a request sent at {@code sentNanos}. */
    public long claimValidUntil(long sentNanos) {
        return sentNanos + claimValidityNanos;
    }

    /**
     * Whether a lease known valid until {@code validUntilNanos} may be handed to another thread
     * of this process at {@code nowNanos}: while more than half a lease of validity is left.
     */
    public boolean mayHandOn(long validUntilNanos, long nowNanos) {
        return validUntilNanos - nowNanos > lease.toNanos() / 2;
    }

    @Override
    public String toString() {
        return "LeaseTiming[lease " + lease.toMillis() + "ms, renewal every "
                + renewalPeriod().toMillis() + "ms, queue refresh " + queueRefresh.toMillis()
                + "ms, claim " + claim.toMillis() + "ms, check every "
                + TimeUnit.NANOSECONDS.toMicros(checkPeriod.toNanos()) + "us]";
    }
}

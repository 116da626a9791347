package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.internal.LockMetrics;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The renewal schedule, loss after validity and batched renewals of {@link Renewer}, driven
 * through its seams (a recorded renewal call, a manual scheduler and a fake monotonic clock):
 * no Redis and no waiting. What Redis answers to a renewal is the renew script's business
 * (covered against a real server by the integration tests).
 */
class RenewerTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final LeaseTiming TIMING = LeaseTiming.of(LEASE);

    private final KeyLayout layout = new KeyLayout("ns");
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<RedisGrant> grants = new CopyOnWriteArrayList<>();
    private final List<String> losses = new CopyOnWriteArrayList<>();
    private final List<RedisGrant> abandoned = new CopyOnWriteArrayList<>();
    private final AtomicInteger topologyRefreshes = new AtomicInteger();
    private final AtomicInteger renewed = new AtomicInteger();
    private final AtomicInteger renewFailed = new AtomicInteger();
    private Renewer renewer;

    /** One renewal sent: its keys, arguments and the reply the test gives. */
    private record Call(List<String> keys, List<String> args,
            CompletableFuture<Replicated<List<Object>>> reply) {

        void answer(long acks, Object... results) {
            reply.complete(new Replicated<>(Arrays.asList(results), acks));
        }
    }

    private Renewer start(boolean cluster, int minReplicaAcks, boolean renew) {
        LockMetrics metrics = new LockMetrics() {
            @Override
            public void renewal(boolean ok) {
                (ok ? renewed : renewFailed).incrementAndGet();
            }
        };
        renewer = new Renewer(() -> List.copyOf(grants), (keys, args) -> {
            Call c = new Call(List.of(keys), List.of(args), new CompletableFuture<>());
            calls.add(c);
            return c.reply();
        }, topologyRefreshes::incrementAndGet, cluster, minReplicaAcks, Duration.ofMillis(100),
                TIMING, renew, metrics, abandoned::add, scheduler, clock::get);
        return renewer;
    }

    @AfterEach
    void close() {
        if (renewer != null) {
            renewer.close();
        }
    }

    private RedisGrant hold(String resource, boolean shared, long validUntil) {
        RedisGrant g = new RedisGrant(resource, 7, clock.get(), validUntil, false, shared,
                layout.lock(resource), "owner-" + resource, (grant, reason) -> losses.add(reason));
        grants.add(g);
        return g;
    }

    @Test
    void schedule_checksEveryCheckPeriod_andRenewsEveryThirdOfTheLease() {
        start(false, 0, true);
        assertThat(scheduler.periodic()).extracting(ManualScheduler.Task::delayNanos)
                .containsExactly(TIMING.checkPeriod().toNanos(), TIMING.renewalPeriod().toNanos());
    }

    @Test
    void withoutRenewal_onlyValidityIsChecked() {
        start(false, 0, false);
        assertThat(scheduler.periodic()).extracting(ManualScheduler.Task::delayNanos)
                .containsExactly(TIMING.checkPeriod().toNanos());
    }

    @Test
    void tick_renewsEveryLeaseInOneCall_andValidityCountsFromWhenTheRenewalWasSent() {
        start(false, 0, true);
        RedisGrant a = hold("a", false, TIMING.validUntil(clock.get()));
        RedisGrant b = hold("b", true, TIMING.validUntil(clock.get()));
        clock.addAndGet(TIMING.renewalPeriod().toNanos());
        long sent = clock.get();

        renewer.renewAll();

        assertThat(calls).hasSize(1);
        Call call = calls.get(0);
        assertThat(call.keys()).containsExactly(a.keys().lock(), b.keys().lock(),
                b.keys().readers());
        assertThat(call.args()).containsExactly(Long.toString(LEASE.toMillis()), "x", a.owner(),
                "s", b.owner());
        clock.addAndGet(Duration.ofSeconds(2).toNanos()); // a slow reply
        call.answer(0, 1L, 1L);
        assertThat(a.validUntilNanos()).isEqualTo(TIMING.validUntil(sent));
        assertThat(b.validUntilNanos()).isEqualTo(TIMING.validUntil(sent));
        assertThat(renewed).hasValue(2);
        assertThat(losses).isEmpty();
    }

    @Test
    void renewalFindingTheLeaseGone_marksItLost_andRenewsTheOthers() {
        start(false, 0, true);
        RedisGrant kept = hold("kept", false, TIMING.validUntil(clock.get()));
        RedisGrant gone = hold("gone", false, TIMING.validUntil(clock.get()));
        renewer.renewAll();
        calls.get(0).answer(0, 1L, 0L);
        assertThat(kept.isLost()).isFalse();
        assertThat(gone.isLost()).isTrue();
        assertThat(losses).singleElement().asString().contains("no longer owned in Redis");
        assertThat(renewed).hasValue(1);
        assertThat(renewFailed).hasValue(1);
    }

    @Test
    void grantsBeingReleased_areNotRenewed() {
        start(false, 0, true);
        hold("a", false, TIMING.validUntil(clock.get())).startRelease();
        renewer.renewAll();
        assertThat(calls).isEmpty();
    }

    @Test
    void inCluster_oneCallPerHashSlot() {
        start(true, 0, true);
        for (int i = 0; i < 20; i++) {
            hold("r" + i, false, TIMING.validUntil(clock.get()));
        }
        renewer.renewAll();
        long slots = grants.stream().map(g -> io.lettuce.core.cluster.SlotHash.getSlot(
                g.keys().lock())).distinct().count();
        assertThat(calls).hasSize((int) slots);
        for (Call c : calls) {
            assertThat(c.keys().stream().map(io.lettuce.core.cluster.SlotHash::getSlot).distinct())
                    .as("one slot per call").hasSize(1);
        }
    }

    @Test
    void validityCheck_marksLostOnlyOnceValidityEnded_andAbandonsTheKey() {
        start(false, 0, true);
        long validUntil = TIMING.validUntil(clock.get());
        RedisGrant g = hold("a", false, validUntil);
        clock.set(validUntil - 1);
        renewer.checkValidity();
        assertThat(g.isLost()).isFalse();

        clock.set(validUntil);
        renewer.checkValidity();
        renewer.checkValidity();

        assertThat(g.isLost()).isTrue();
        assertThat(abandoned).containsExactly(g);
        assertThat(losses).singleElement().asString()
                .contains("lease not confirmed by Redis within")
                .contains("renewals unanswered");
    }

    @Test
    void lostClaim_namesTheClaim() {
        start(false, 0, true);
        long validUntil = TIMING.claimValidUntil(clock.get());
        RedisGrant g = new RedisGrant("c", 7, clock.get(), validUntil, true, false,
                layout.lock("c"), "owner-c", (grant, reason) -> losses.add(reason));
        grants.add(g);
        clock.set(validUntil);
        renewer.checkValidity();
        assertThat(losses).singleElement().asString().startsWith("claim lease");
    }

    @Test
    void failedRenewal_refreshesTheTopology_andIsRetriedAfterTwoChecks_whileStillValid() {
        start(false, 0, true);
        RedisGrant g = hold("a", false, TIMING.validUntil(clock.get()));
        renewer.renewAll();
        calls.get(0).reply().completeExceptionally(new java.io.IOException("connection reset"));

        assertThat(topologyRefreshes).hasValue(1);
        assertThat(renewFailed).hasValue(1);
        List<ManualScheduler.Task> retries = scheduler.takeOnce();
        assertThat(retries).singleElement().extracting(ManualScheduler.Task::delayNanos)
                .isEqualTo(TIMING.renewalRetryDelay().toNanos());
        retries.get(0).task().run();
        assertThat(calls).hasSize(2);
        calls.get(1).answer(0, 1L);
        assertThat(g.isLost()).isFalse();

        // the same failure when the lease would end before the retry: no retry, the check decides
        clock.set(g.validUntilNanos() - TIMING.renewalRetryDelay().toNanos() + 1);
        renewer.renewAll();
        calls.get(2).reply().completeExceptionally(new java.io.IOException("connection reset"));
        assertThat(scheduler.takeOnce()).isEmpty();
        clock.set(g.validUntilNanos());
        renewer.checkValidity();
        assertThat(losses).singleElement().asString().contains("last renewal failed");
    }

    @Test
    void renewalTooFewReplicasAcknowledged_confirmsNothing() {
        start(false, 1, true);
        RedisGrant g = hold("a", false, TIMING.validUntil(clock.get()));
        long before = g.validUntilNanos();
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        renewer.renewAll();
        calls.get(0).answer(0, 1L);
        assertThat(g.validUntilNanos()).isEqualTo(before);
        assertThat(renewFailed).hasValue(1);
        assertThat(scheduler.takeOnce()).as("retried soon").hasSize(1);
    }

    @Test
    void claim_isConfirmedAThirdOfTheWayIn_unlessReleasedMeanwhile() {
        start(false, 0, false);
        RedisGrant g = hold("a", false, TIMING.claimValidUntil(clock.get()));
        renewer.confirmSoon(g);
        List<ManualScheduler.Task> confirm = scheduler.takeOnce();
        assertThat(confirm).singleElement().extracting(ManualScheduler.Task::delayNanos)
                .isEqualTo(TIMING.claimConfirmDelay().toNanos());
        long sent = clock.addAndGet(TIMING.claimConfirmDelay().toNanos());
        confirm.get(0).task().run();
        calls.get(0).answer(0, 1L);
        assertThat(g.validUntilNanos()).isEqualTo(TIMING.validUntil(sent));

        RedisGrant released = hold("b", false, TIMING.claimValidUntil(clock.get()));
        renewer.confirmSoon(released);
        released.startRelease();
        scheduler.takeOnce().forEach(t -> t.task().run());
        assertThat(calls).hasSize(1);
    }

    @Test
    void afterClose_nothingMoreIsScheduled() {
        start(false, 0, true);
        RedisGrant g = hold("a", false, TIMING.validUntil(clock.get()));
        renewer.close();
        renewer.confirmSoon(g); // logged, not thrown
        assertThat(renewer.isRunning()).isFalse();
        assertThat(scheduler.takeOnce()).isEmpty();
    }
}

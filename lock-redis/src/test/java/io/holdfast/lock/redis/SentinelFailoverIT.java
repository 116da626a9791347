package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.LockTimeoutException;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replica acknowledgements and a Sentinel failover; each test gets its own topology. */
class SentinelFailoverIT {

    @RegisterExtension
    RedisExtension redis = RedisExtension.sentinel();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RedisLockSettings.Builder settings() {
        return RedisLockSettings.builder().uri(redis.uri()).timeout(Duration.ofSeconds(1))
                .retry(60, Duration.ofMillis(50), Duration.ofMillis(500)).meterRegistry(registry);
    }

    @Test
    void replicaAcks_grantWhenTheReplicaAcknowledges_andUndoWhenItCannot() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(settings().replicaAcks(1, Duration.ofMillis(100)).build());
                RawRedis raw = new RawRedis(redis.primary().uri())) {
            try (Lease lease = m.acquire("acked", Duration.ofSeconds(5))) {
                assertThat(lease.isHeld()).isTrue();
            }
            RedisNode replica = redis.replicas().get(0);
            replica.stop();
            try {
                assertThatThrownBy(() -> m.acquire("acked", Duration.ofMillis(700)))
                        .isInstanceOf(LockTimeoutException.class)
                        // says why: the acks, not a holder (the stopped replica is still connected)
                        .hasMessageContaining("not held: grants need 1 replica ack(s) within 100ms")
                        .hasMessageContaining("replicas connected now: 1");
                // every grant without an acknowledgement was given back
                assertThat(raw.sync().get("holdfast:{acked}:lock")).isNull();
            } finally {
                replica.cont();
            }
            try (Lease lease = m.acquire("acked", Duration.ofSeconds(10))) {
                assertThat(lease.isHeld()).isTrue();
            }
        }
    }

    /**
     * Issue 10, defect 7: WAIT was pipelined behind EVALSHA only; after NOSCRIPT (a failover, a
     * restart, SCRIPT FLUSH) the EVAL that wrote went out after the WAIT reply, so a grant was
     * "acknowledged" by the acks of earlier writes. Now a WAIT follows the EVAL, and with the
     * replica stopped the grant is given back.
     */
    @Test
    void replicaAcks_waitFollowsTheEvalFallback_afterNoscript() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(settings().replicaAcks(1, Duration.ofMillis(100)).build());
                RawRedis raw = new RawRedis(redis.primary().uri())) {
            m.acquire("warm", Duration.ofSeconds(5)).release();
            raw.sync().scriptFlush();
            raw.sync().configResetstat();
            assertThat(m.tryAcquire("after-flush")).hasValueSatisfying(Lease::release);
            String stats = raw.sync().info("commandstats");
            assertThat(stats).contains("cmdstat_eval:calls=");
            // one WAIT behind the EVALSHA that found NOSCRIPT, one behind the EVAL that wrote
            assertThat(stats).contains("cmdstat_wait:calls=2,");
            raw.sync().scriptFlush();
            RedisNode replica = redis.replicas().get(0);
            replica.stop();
            try {
                assertThat(m.tryAcquire("after-flush")).isEmpty();
                assertThat(raw.sync().get("holdfast:{after-flush}:lock")).isNull();
            } finally {
                replica.cont();
            }
        }
    }

    /**
     * Issue 10: with replica acks, renewals (and a claim's confirming renewal) are WAITed too; a
     * lease whose renewals the replica cannot acknowledge is reported lost before its validity
     * runs out, as a promoted replica could hold an expiry a third of a lease earlier.
     */
    @Test
    void replicaAcks_renewalsAreWaited_aLeaseTheReplicaCannotConfirmIsLost() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(settings().lease(Duration.ofSeconds(1))
                .replicaAcks(1, Duration.ofMillis(100)).build())) {
            Lease lease = m.acquire("renewed", Duration.ofSeconds(5));
            RedisNode replica = redis.replicas().get(0);
            replica.stop();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> !lease.isHeld());
                assertThatThrownBy(lease::ensureHeld).hasMessageContaining("replicas");
            } finally {
                replica.cont();
            }
        }
    }

    /** Item 8 of issue 10: flags wait for the replica acks and report a write that lacks them. */
    @Test
    void replicaAcks_flagsWaitForTheReplica_andReportAFlagThatLacksThem() throws Exception {
        try (RedisStatusManager flags = RedisStatusManager.create(settings()
                .replicaAcks(1, Duration.ofMillis(100)).build());
                RawRedis replicaRaw = new RawRedis(redis.replicas().get(0).uri())) {
            flags.set("acked", Duration.ofMinutes(1));
            // acknowledged: the replica has it when set returns
            assertThat(replicaRaw.sync().exists("holdfast:flag:{acked}")).isEqualTo(1);
            RedisNode replica = redis.replicas().get(0);
            replica.stop();
            try {
                assertThatThrownBy(() -> flags.set("unacked", Duration.ofMinutes(1)))
                        .isInstanceOf(io.holdfast.lock.LockUnavailableException.class)
                        .hasMessageContaining("0 of the 1 replicas required (replicaAcks)");
                assertThatThrownBy(() -> flags.setIfAbsent("unacked-2", Duration.ofMinutes(1)))
                        .hasMessageContaining("replicaAcks");
                assertThatThrownBy(() -> flags.clear("acked")).hasMessageContaining("replicaAcks");
            } finally {
                replica.cont();
            }
        }
    }

    @Test
    void replicaAcks_aLockHandedToAWaiter_isConfirmedByTheReplica_beforeTheWaiterHasIt() throws Exception {
        try (RedisLockManager holder = RedisLockManager.create(settings().replicaAcks(1, Duration.ofMillis(500)).build());
                RedisLockManager waiter = RedisLockManager.create(settings().replicaAcks(1, Duration.ofMillis(500)).build());
                RawRedis raw = new RawRedis(redis.primary().uri())) {
            raw.sync().configResetstat();
            for (int round = 0; round < 3; round++) {
                Lease lease = holder.acquire("handed", Duration.ofSeconds(5));
                java.util.concurrent.CompletableFuture<Long> next = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try (Lease l = waiter.acquire("handed", Duration.ofSeconds(20))) {
                        return l.fencingToken();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> waiter.subscribedChannels() == 1
                        && raw.sync().zcard("holdfast:{handed}:queue") == 1);
                lease.release();
                assertThat(next.get(20, java.util.concurrent.TimeUnit.SECONDS)).isGreaterThan(lease.fencingToken());
            }
            // each grant message was confirmed by a refresh followed by WAIT, not trusted alone:
            // 3 holder acquires + 3 waiter joins (+ 1 re-check after subscribing) + 3 confirmations
            long waits = java.util.Arrays.stream(raw.sync().info("commandstats").split("\\r?\\n"))
                    .filter(l -> l.startsWith("cmdstat_wait:")).mapToLong(l -> Long.parseLong(
                            l.replaceAll("^cmdstat_wait:calls=(\\d+),.*$", "$1"))).sum();
            assertThat(waits).isGreaterThanOrEqualTo(9);
            assertThat(waiter.waitStats().grantsAfterNotification()).isEqualTo(3);
            assertThat(registry.get(LockMetricNames.NOTIFICATIONS).counter().count()).isEqualTo(3);
        }
    }

    @Test
    void primaryKilled_afterFailover_heldLeaseIsRenewed_andNewLocksAreGranted() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(settings().lease(Duration.ofSeconds(30)).build())) {
            Lease survivor = m.acquire("survivor", Duration.ofSeconds(5));
            try (RawRedis raw = new RawRedis(redis.primary().uri())) {
                // the key must be on the replica before the primary dies (async replication)
                raw.sync().waitForReplication(1, 2000);
            }
            redis.primary().kill();
            redis.awaitFailover(Duration.ofSeconds(30));

            try (Lease fresh = m.acquire("after-failover", Duration.ofSeconds(30))) {
                assertThat(fresh.isHeld()).isTrue();
            }
            double renewedBefore = renewed();
            await().atMost(Duration.ofSeconds(30)).until(() -> renewed() > renewedBefore);
            assertThat(survivor.isHeld()).isTrue();
            assertThat(survivor.release()).isTrue();
            assertThat(m.inspect("survivor")).isEmpty();
        }
    }

    private double renewed() {
        var c = registry.find(LockMetricNames.RENEWALS).tag(LockMetricNames.TAG_RESULT,
                LockMetricNames.RESULT_RENEWED).counter();
        return c == null ? 0 : c.count();
    }
}

package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisNode;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
import io.holdfast.reliability.proxy.FaultProxy;
import io.holdfast.reliability.worker.Contender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenario 5: Sentinel failover (primary SIGKILL) under load while the replica lags: its
 * replication link runs through a fault proxy that is black-holed shortly before the primary dies,
 * so whatever the primary does in that window never reaches the replica. A "long holder" acquires
 * during the lag and holds across the failover; a "challenger" asks for the same lock as soon as
 * the replica is promoted.
 * <ul>
 *   <li>Without replica acknowledgements the long holder's grant is lost with the primary: the
 *       challenger is granted the same lock (a double grant Redis cannot prevent; counted).</li>
 *   <li>With {@code minReplicaAcks=1} no grant is made during the lag (WAIT gets no ack), so no
 *       double grant; but once promoted, the lone new primary has no replica, so nothing is granted
 *       until the old primary, restarted at once, rejoins as its replica (measured).</li>
 * </ul>
 * A flag writer sets flags throughout, with the same {@code replicaAcks}: without acks, flags
 * acknowledged during the lag are lost with the primary (flags_lost, counted); with
 * {@code minReplicaAcks=1} a flag the replica did not acknowledge is reported as a failed write,
 * and no acknowledged flag is lost (issue 10). The fence must accept no write below a token it has
 * seen.
 */
class SentinelFailoverIT {

    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration LAG = Duration.ofMillis(800);

    @RegisterExtension
    RedisExtension redis = RedisExtension.sentinel();

    @ParameterizedTest(name = "minReplicaAcks={0}, replica lags={1}")
    @CsvSource({"0,true", "1,true", "0,false"})
    void primaryKilledWhileReplicaLags(int minAcks, boolean lag) throws Exception {
        RedisNode primary = redis.primary();
        RedisNode replica = redis.replicas().get(0);
        List<String> resources = List.of("f0", "f1", "f2", "f3");
        try (Scenario scenario = new Scenario("sentinel-failover-acks-" + minAcks + (lag ? "" : "-no-lag"));
                FaultProxy link = FaultProxy.start(primary.host(), primary.port())) {
            RedisLockManager[] managers = new RedisLockManager[2];
            for (int m = 0; m < 2; m++) {
                managers[m] = scenario.manager(redis.uri(), b -> b.lease(LEASE)
                        .timeout(Duration.ofSeconds(1)).replicaAcks(minAcks, Duration.ofMillis(100)));
                for (int t = 0; t < 2; t++) {
                    scenario.startContender(managers[m], resources, Duration.ofSeconds(3), Duration.ofMillis(150));
                }
            }
            RedisStatusManager flagWriter = scenario.statusManager(redis.uri(), b -> b.timeout(Duration.ofSeconds(1))
                    .replicaAcks(minAcks, Duration.ofMillis(100)));
            RedisStatusManager flagReader = scenario.statusManager(redis.uri(), b -> b.timeout(Duration.ofSeconds(1)));
            scenario.startFlagWriter(flagWriter, flagReader, "flag");
            Thread.sleep(1000);
            // Route replication through the proxy only now: Sentinel "fixes" a replica pointing at an
            // unknown master after its failover-timeout (3s), and by then the primary must be dead.
            if (lag) {
                replica.cli("REPLICAOF", link.host(), Integer.toString(link.port()));
                assertThat(Timing.poll(Duration.ofSeconds(5),
                        () -> replica.cli("INFO", "replication").contains("master_link_status:up"))).isTrue();
            }
            long grantsBeforeLag = scenario.grants();
            if (lag) {
                link.blackhole();
            }
            long lagAt = System.nanoTime();
            CompletableFuture<Boolean> longHolder = round(scenario, managers[0], "long-holder",
                    Duration.ofMillis(LAG.toMillis() / 2), LEASE.plusSeconds(3));
            Thread.sleep(LAG.toMillis());
            long grantsDuringLag = scenario.grants() - grantsBeforeLag;
            primary.kill();
            long killedAt = System.nanoTime();
            redis.awaitFailover(Duration.ofSeconds(30));
            long failedOverAt = System.nanoTime();
            CompletableFuture<Boolean> challenger = round(scenario, managers[1], "challenger",
                    Duration.ofSeconds(12), Duration.ofMillis(500));
            // Restart the old primary (empty: no persistence) only once every Sentinel names the new one:
            // a Sentinel still naming the old address would send reconnecting clients to an empty master
            // (seen once: tokens restarted at 1 and every flag vanished).
            assertThat(Timing.poll(Duration.ofSeconds(20), () -> redis.sentinels().stream().allMatch(sentinel ->
                    sentinel.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "holdfast")
                            .endsWith(Integer.toString(redis.primary().port()))))).as("all Sentinels switched").isTrue();
            primary.restart();
            // Sentinel would convert it too, but only after ~8s of seeing it up; do it now, as an operator would
            primary.cli("REPLICAOF", redis.primary().host(), Integer.toString(redis.primary().port()));
            assertThat(Timing.poll(Duration.ofSeconds(20), () -> redis.primary().cli("INFO", "replication")
                    .contains("connected_slaves:1"))).as("old primary rejoined as a replica").isTrue();
            long rejoinedAt = System.nanoTime();
            boolean challengerGranted = challenger.get(30, TimeUnit.SECONDS);
            boolean longHolderGranted = longHolder.get(30, TimeUnit.SECONDS);
            Thread.sleep(3_000);
            scenario.stopContenders(Duration.ofSeconds(30));
            scenario.rereadFlags(flagReader);
            List<Event> events = scenario.history.events();
            long firstGrantMillis = firstGrantAfter(events, failedOverAt);
            long firstGrantAfterRejoinMillis = firstGrantAfter(events, rejoinedAt);
            // with acks, a flag write succeeds only once the new primary has a replica again
            long writableFrom = minAcks > 0 ? rejoinedAt : failedOverAt;
            long reconnectedMillis = Timing.first(events, writableFrom,
                    e -> e.op() == Event.Op.FLAG_SET && e.phase() == Event.Phase.OK)
                    .map(e -> Timing.millisSince(writableFrom, e)).orElse(-1L);
            CheckReport report = scenario.check();
            long doubleGrants = report.overlaps().stream().filter(o -> o.first().resource().equals("f-long")).count();
            scenario.report("min_acks=" + minAcks + " replica_lags=" + lag + " lease_ms=" + LEASE.toMillis() + " lag_ms=" + LAG.toMillis()
                    + " grants_during_lag=" + grantsDuringLag + " long_holder_granted=" + longHolderGranted
                    + " challenger_granted=" + challengerGranted + " double_grants=" + doubleGrants
                    + " failover_ms=" + (failedOverAt - killedAt) / 1_000_000
                    + " first_write_after_failover_ms=" + reconnectedMillis
                    + " first_grant_after_failover_ms=" + firstGrantMillis
                    + " replica_rejoined_after_failover_ms=" + (rejoinedAt - failedOverAt) / 1_000_000
                    + " first_grant_after_replica_rejoined_ms=" + firstGrantAfterRejoinMillis
                    + " lag_to_kill_ms=" + (killedAt - lagAt) / 1_000_000);
            // double grants may happen without acks (counted); the fence must still hold, and tokens
            // keep increasing even when the promoted replica lacks the latest counter increments
            assertThat(report.fenceSafe()).as(report.details()).isTrue();
            assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
            // Redis is usable again within failover + 2s (first acknowledged write through holdfast); a
            // grant can take longer only because locks held across the failover stay held until their
            // holders, reconnecting, release them (their leases were replicated, so that is correct)
            assertThat(reconnectedMillis).as("available within failover (with acks: rejoin) + 2s")
                    .isBetween(0L, 2_000L);
            if (minAcks > 0) {
                assertThat(report.flagsLost()).as("acknowledged flags lost with minReplicaAcks=1").isEmpty();
            }
            assertThat(firstGrantAfterRejoinMillis).as("grants resume once a replica is back").isBetween(0L, 5_000L);
            assertThat(challengerGranted).as("the challenger gets the lock after the failover").isTrue();
            if (!lag) {
                // everything was replicated: the long holder keeps its lease across the failover
                assertThat(longHolderGranted).isTrue();
                assertThat(report.overlaps()).as("double grants without lag: " + report.details()).isEmpty();
                assertThat(report.lossesReported()).as("no lease lost without lag").isZero();
                assertThat(firstGrantMillis).as("available soon after the failover").isBetween(0L, 5_000L);
            } else if (minAcks > 0) {
                assertThat(longHolderGranted).as("no grant without a replica ack").isFalse();
                assertThat(report.overlaps()).as("double grants with minReplicaAcks=1: " + report.details()).isEmpty();
            } else {
                // unavailable at most for what the lag resurrected: locks released on the old primary
                // during the lag are back on the new one until their lease ends
                assertThat(firstGrantMillis).isBetween(0L, LEASE.toMillis() + 2_000);
            }
        }
    }

    private static long firstGrantAfter(List<Event> events, long fromNanos) {
        return Timing.first(events, fromNanos, e -> e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK)
                .map(e -> Timing.millisSince(fromNanos, e)).orElse(-1L);
    }

    /** One acquire-write-hold-write-release round on "f-long" in its own thread; true if granted. */
    private static CompletableFuture<Boolean> round(Scenario scenario, RedisLockManager manager, String name,
            Duration wait, Duration hold) {
        return scenario.async(name, () -> {
            Contender contender = scenario.contender(manager);
            long deadline = System.nanoTime() + wait.toNanos();
            Lease lease = null;
            while (lease == null && System.nanoTime() - deadline < 0) { // an acquire gives up after its retries
                lease = contender.acquire("f-long", Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            if (lease == null) {
                return false;
            }
            Lease granted = lease;
            contender.write("f-long", lease.fencingToken());
            Timing.poll(hold, () -> !granted.isHeld());
            contender.write("f-long", lease.fencingToken());
            contender.release(lease);
            return true;
        });
    }
}

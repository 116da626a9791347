package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisNode;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 6: Redis (no RDB, no AOF) restarts empty under load, at once or after staying down
 * longer than the lease. Lock keys and fencing counters are gone: without the delay, a new owner
 * can be granted a lock an old owner still believes it holds (a double grant Redis cannot
 * prevent; counted as overlaps); with the delay every old lease has run out first. Tokens must keep
 * increasing anyway (they take the server time as a floor), so the fence refuses every late write
 * of an old owner and never accepts two owners with one token.
 */
class RestartWithoutPersistenceIT {

    private static final Duration LEASE = Duration.ofMillis(1000);

    @RegisterExtension
    RedisExtension redis = RedisExtension.standalone();

    @ParameterizedTest(name = "restart delay {0}ms")
    @ValueSource(longs = {0, 1500})
    void redisRestartsEmpty_fenceAcceptsNoStaleWrite(long delayMillis) throws Exception {
        List<String> resources = List.of("rs0", "rs1");
        RedisNode server = redis.primary();
        long restartedAt;
        long faultAt;
        try (Scenario scenario = new Scenario("restart-empty-delay-" + delayMillis)) {
            for (int m = 0; m < 2; m++) {
                RedisLockManager manager = scenario.manager(redis.uri(),
                        b -> b.lease(LEASE).timeout(Duration.ofMillis(500)));
                for (int t = 0; t < 2; t++) {
                    scenario.startContender(manager, resources, Duration.ofSeconds(2), Duration.ofMillis(50));
                }
            }
            Thread.sleep(1500);
            faultAt = System.nanoTime();
            if (delayMillis > 0) {
                server.kill();
                Thread.sleep(delayMillis);
            }
            server.restartWithoutData();
            restartedAt = System.nanoTime();
            Thread.sleep(3000);
            scenario.stopContenders(Duration.ofSeconds(20));
            List<Event> events = scenario.history.events();
            long firstGrantMillis = Timing.first(events, restartedAt,
                    e -> e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK)
                    .map(e -> Timing.millisSince(restartedAt, e)).orElse(-1L);
            long firstAcceptedMillis = Timing.first(events, restartedAt,
                    e -> e.op() == Event.Op.WRITE && e.phase() == Event.Phase.OK)
                    .map(e -> Timing.millisSince(restartedAt, e)).orElse(-1L);
            long rejectedAfter = scenario.register.writes().stream()
                    .filter(w -> !w.accepted() && w.nanos() >= restartedAt).count();
            CheckReport report = scenario.report("lease_ms=" + LEASE.toMillis() + " down_ms="
                    + (restartedAt - faultAt) / 1_000_000 + " first_grant_after_restart_ms=" + firstGrantMillis
                    + " first_accepted_write_after_restart_ms=" + firstAcceptedMillis
                    + " writes_rejected_after_restart=" + rejectedAfter);
            assertThat(report.fenceSafe()).as(report.details()).isTrue();
            assertThat(report.tokensMonotonic()).as("tokens after data loss: " + report.details()).isTrue();
            assertThat(firstGrantMillis).as("locks granted again after the restart").isGreaterThanOrEqualTo(0);
            if (delayMillis > LEASE.toMillis()) {
                assertThat(report.overlaps()).as("every old lease ended while Redis was down: " + report.details())
                        .isEmpty();
            }
        }
    }
}

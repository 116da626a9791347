package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 7: Redis stops answering for longer than the command timeout and the lease: the server
 * process is frozen (SIGSTOP), or every client is paused ({@code CLIENT PAUSE ALL}). Holders must
 * report their leases lost; commands queued meanwhile run when Redis resumes and must not grant
 * anything unsafe; no acknowledged status flag may be lost; service resumes afterwards. Figures: unavailability, first grant after resume.
 */
class RedisStalledIT {

    private static final Duration LEASE = Duration.ofMillis(1000);
    private static final Duration STALL = Duration.ofMillis(2000);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGSTOP", "CLIENT_PAUSE"})
    void redisStalledPastTimeoutAndLease_safeAndRecovers(String how) throws Exception {
        List<String> resources = List.of("st0", "st1");
        try (Scenario scenario = new Scenario("redis-stalled-" + how.toLowerCase().replace('_', '-'))) {
            for (int m = 0; m < 2; m++) {
                RedisLockManager manager = scenario.manager(redis.uri(),
                        b -> b.lease(LEASE).timeout(Duration.ofMillis(300)));
                for (int t = 0; t < 2; t++) {
                    scenario.startContender(manager, resources, Duration.ofSeconds(2), Duration.ofMillis(100));
                }
            }
            RedisStatusManager flags = scenario.statusManager(redis.uri(), b -> b.timeout(Duration.ofMillis(300)));
            scenario.startFlagWriter(flags, scenario.statusManager(redis.uri(), b -> b), "stall-flag");
            Thread.sleep(1500);
            long stalledAt = System.nanoTime();
            if (how.equals("SIGSTOP")) {
                redis.primary().stop();
                Thread.sleep(STALL.toMillis());
                redis.primary().cont();
            } else {
                redis.primary().cli("CLIENT", "PAUSE", Long.toString(STALL.toMillis()), "ALL");
                Thread.sleep(STALL.toMillis());
            }
            long resumedAt = System.nanoTime();
            Thread.sleep(2500);
            scenario.stopContenders(Duration.ofSeconds(20));
            scenario.rereadFlags(flags);
            List<Event> events = scenario.history.events();
            long firstGrantMillis = Timing.first(events, resumedAt,
                    e -> e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK)
                    .map(e -> Timing.millisSince(resumedAt, e)).orElse(-1L);
            long lostDuring = events.stream().filter(e -> e.op() == Event.Op.LOST && e.nanos() >= stalledAt).count();
            CheckReport report = scenario.report("lease_ms=" + LEASE.toMillis() + " stall_ms=" + STALL.toMillis()
                    + " timeout_ms=300 first_grant_after_resume_ms=" + firstGrantMillis
                    + " losses_during_stall=" + lostDuring);
            assertThat(report.fenceSafe()).as(report.details()).isTrue();
            assertThat(report.tokensMonotonic()).as(report.details()).isTrue();
            assertThat(report.overlaps()).as(report.details()).isEmpty();
            assertThat(report.flagsLost()).as("a stall loses no acknowledged flag").isEmpty();
            assertThat(firstGrantMillis).as("service resumes").isBetween(0L, 3_000L);
        }
    }
}

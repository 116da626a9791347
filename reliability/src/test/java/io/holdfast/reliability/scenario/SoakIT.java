package io.holdfast.reliability.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.redis.internal.KeyLayout;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisNode;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import io.holdfast.reliability.history.CheckReport;
import io.holdfast.reliability.history.Event;
import io.holdfast.reliability.proxy.FaultProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults mixed at random under load: latency, black hole then heal or reset, replies held, server
 * frozen, CLIENT PAUSE, a held lock's key deleted, a server restart (AOF with fsync always, so the
 * fencing counters survive). Short form: about 20s; long form: {@code -Dsoak.minutes=N}. The seed
 * is printed; {@code -Dsoak.seed=S} replays the same fault sequence. Whatever the faults, the fence
 * accepts no stale or shared-token write, tokens only increase, no acknowledged status flag is lost
 * (a flag writer runs throughout), and service resumes after the last fault.
 */
class SoakIT {

    private static final Duration LEASE = Duration.ofMillis(1000);
    private static final List<String> FAULTS = List.of("latency", "blackhole-heal", "blackhole-reset",
            "hold-replies", "server-stop", "client-pause", "delete-key", "restart");

    @RegisterExtension
    static RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone().name("soak")
            .serverArg("appendonly", "yes").serverArg("appendfsync", "always").build());

    @Test
    void randomFaultsUnderLoad_fenceStaysSafe() throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        Random random = new Random(seed);
        long runMillis = Soak.isLong() ? Soak.minutes() * 60_000L : 20_000L;
        List<String> resources = List.of("k0", "k1", "k2");
        RedisNode server = redis.primary();
        Map<String, Integer> injected = new TreeMap<>();
        try (Scenario scenario = new Scenario("soak");
                FaultProxy proxy = FaultProxy.start(server.host(), server.port())) {
            String viaProxy = "redis://" + proxy.host() + ":" + proxy.port();
            for (int m = 0; m < 4; m++) {
                RedisLockManager manager = scenario.manager(m == 0 ? redis.uri() : viaProxy,
                        b -> b.lease(LEASE).timeout(Duration.ofMillis(800)));
                for (int t = 0; t < 2; t++) {
                    scenario.startContender(manager, resources, Duration.ofSeconds(2), Duration.ofMillis(30));
                }
            }
            RedisStatusManager flags = scenario.statusManager(viaProxy, b -> b.timeout(Duration.ofMillis(800)));
            scenario.startFlagWriter(flags, scenario.statusManager(redis.uri(), b -> b), "soak-flag");
            long end = System.nanoTime() + runMillis * 1_000_000;
            while (System.nanoTime() < end) {
                Thread.sleep(500 + random.nextInt(1500));
                String fault = FAULTS.get(random.nextInt(FAULTS.size()));
                injected.merge(fault, 1, Integer::sum);
                inject(fault, random, proxy, server, resources);
            }
            long quietFrom = System.nanoTime();
            Thread.sleep(3000);
            scenario.stopContenders(Duration.ofSeconds(30));
            scenario.rereadFlags(flags);
            long grantsAfter = scenario.history.events().stream().filter(e -> e.nanos() >= quietFrom
                    && e.op() == Event.Op.ACQUIRE && e.phase() == Event.Phase.OK).count();
            CheckReport report = scenario.report("seed=" + seed + " run_ms=" + runMillis + " faults="
                    + injected.toString().replace(" ", "") + " grants_after_last_fault=" + grantsAfter);
            assertThat(report.fenceSafe()).as("seed " + seed + ": " + report.details()).isTrue();
            assertThat(report.tokensMonotonic()).as("seed " + seed + ": " + report.details()).isTrue();
            assertThat(report.flagsLost()).as("seed " + seed + ": AOF-persisted flags survive").isEmpty();
            assertThat(grantsAfter).as("service resumes after the last fault (seed " + seed + ")").isPositive();
        }
    }

    private static void inject(String fault, Random random, FaultProxy proxy, RedisNode server,
            List<String> resources) throws InterruptedException {
        long millis = 300 + random.nextInt(1500);
        switch (fault) {
            case "latency" -> {
                proxy.latency(Duration.ofMillis(20 + random.nextInt(300)));
                Thread.sleep(millis);
                proxy.pass();
            }
            case "blackhole-heal", "blackhole-reset" -> {
                proxy.blackhole();
                Thread.sleep(millis);
                if (fault.endsWith("reset")) {
                    proxy.reset();
                }
                proxy.pass();
            }
            case "hold-replies" -> {
                proxy.holdReplies();
                Thread.sleep(millis);
                proxy.pass();
            }
            case "server-stop" -> {
                server.stop();
                Thread.sleep(millis);
                server.cont();
            }
            case "client-pause" -> server.cli("CLIENT", "PAUSE", Long.toString(millis), "ALL");
            case "delete-key" -> server.cli("DEL",
                    new KeyLayout("holdfast").lock(resources.get(random.nextInt(resources.size()))).lock());
            case "restart" -> server.restart();
            default -> throw new IllegalArgumentException(fault);
        }
    }
}

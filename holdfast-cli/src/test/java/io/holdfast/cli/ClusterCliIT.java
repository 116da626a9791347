package io.holdfast.cli;

import static io.holdfast.cli.Cli.list;
import static io.holdfast.cli.Cli.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.Lease;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CLI on a three-primary Cluster: SCAN finds the locks of every primary. */
class ClusterCliIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.cluster();

    private final String namespace = "cc-" + UUID.randomUUID().toString().substring(0, 8);

    private Map<String, String> env() {
        return Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", String.join(",", redis.clusterSeeds()),
                "LOCK_NAMESPACE", namespace, "LOCK_LEASE", "2s");
    }

    @Test
    void locks_listsTheLocksOfEveryPrimary_andReleaseWorksAcrossSlots() throws Exception {
        try (RedisLockManager m = RedisLockManager.create(RedisLockSettings.builder()
                .cluster(redis.clusterSeeds()).namespace(namespace).lease(Duration.ofSeconds(2)).build())) {
            Map<String, Long> tokens = new HashMap<>();
            Set<Integer> primaries = new HashSet<>();
            Lease stuck = null;
            for (int i = 0; i < 24; i++) {
                String name = "job-" + i;
                Lease l = m.acquire(name, Duration.ofSeconds(5));
                tokens.put(name, l.fencingToken());
                primaries.add(redis.nodeForKey(namespace + ":{" + name + "}:lock").port());
                if (i == 0) {
                    stuck = l;
                }
            }
            assertThat(primaries).as("the locks live on every primary").hasSize(3);

            Cli.Result r = Cli.run(env(), "locks", "--json");
            assertThat(r.code()).as("%s", r).isZero();
            List<Map<String, Object>> locks = list(r.json(), "locks");
            assertThat(locks).hasSize(24).allSatisfy(l -> assertThat(number(l.get("token")))
                    .isEqualTo(tokens.get((String) l.get("name"))));
            assertThat(list(Cli.run(env(), "locks", "job-1?", "--json").json(), "locks"))
                    .extracting(l -> l.get("name")).containsExactly("job-10", "job-11", "job-12",
                            "job-13", "job-14", "job-15", "job-16", "job-17", "job-18", "job-19");

            Cli.Result release = Cli.run(env(), "release", "job-0", "--force", "--reason", "cluster test");
            assertThat(release.code()).as("%s", release).isZero();
            Lease evicted = stuck;
            await().atMost(Duration.ofSeconds(6)).until(() -> !evicted.isHeld());
            assertThat(list(Cli.run(env(), "audit", "--json").json(), "records"))
                    .extracting(a -> a.get("name")).containsExactly("job-0");
            assertThat(list(Cli.run(env(), "instances", "--json").json(), "instances"))
                    .anySatisfy(i -> assertThat((List<?>) i.get("holds")).hasSize(23));
            Cli.Result check = Cli.run(env(), "check", "--connect", "--json");
            assertThat(check.code()).as("%s", check).isZero();
            assertThat(list(list(check.json(), "backends").get(0), "findings"))
                    .filteredOn(f -> ((String) f.get("value")).startsWith("Redis ")).hasSize(3);
        }
    }
}

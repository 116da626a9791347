package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockMetricNames;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cluster specifics: leases spread over every primary are renewed slot by slot; flags are listed from all. */
class ClusterIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.cluster();

    private RedisLockSettings.Builder settings() {
        return RedisLockSettings.builder().cluster(redis.clusterSeeds());
    }

    @Test
    void leasesOnEveryPrimary_areRenewed_pastSeveralLeases() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RedisLockManager m = RedisLockManager.create(settings().lease(Duration.ofMillis(400))
                        .meterRegistry(registry).build());
                RedisLockManager other = RedisLockManager.create(settings().build())) {
            List<Lease> leases = new ArrayList<>();
            Set<String> nodes = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                String resource = "spread-" + i;
                leases.add(m.acquire(resource, Duration.ofSeconds(5)));
                nodes.add(redis.nodeForKey("holdfast:{" + resource + "}:lock").uri());
            }
            assertThat(nodes).as("primaries holding the locks").hasSize(3);
            Thread.sleep(1600);
            for (Lease l : leases) {
                assertThat(l.isHeld()).as(l.toString()).isTrue();
                assertThat(other.tryAcquire(l.resource())).isEmpty();
            }
            double renewed = registry.get(LockMetricNames.RENEWALS)
                    .tag(LockMetricNames.TAG_RESULT, LockMetricNames.RESULT_RENEWED).counter().count();
            assertThat(renewed).isGreaterThanOrEqualTo(30 * 3);
            for (Lease l : leases) {
                assertThat(l.release()).isTrue();
            }
        }
    }

    @Test
    void flags_onEveryPrimary_areListed() {
        try (RedisStatusManager s = RedisStatusManager.create(settings().namespace("cl-flags").build())) {
            Set<String> names = new HashSet<>();
            Set<String> nodes = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                String name = "flag-" + i + (i % 3 == 0 ? "-{braced}" : "");
                s.set(name, Duration.ofSeconds(30));
                names.add(name);
                if (i % 3 != 0) {
                    nodes.add(redis.nodeForKey("cl-flags:flag:{" + name + "}").uri());
                }
            }
            assertThat(nodes).as("primaries holding the flags").hasSize(3);
            assertThat(s.list()).isEqualTo(names);
        }
    }
}

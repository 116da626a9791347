package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SentinelTopologyIT {

    // 3s rather than the default 1s: on a loaded CI machine one late PING reply must not fail the new
    // primary back over to the restarted, empty old one in the middle of the test.
    @RegisterExtension
    static RedisExtension redis = RedisExtension.of(RedisTopologySpec.sentinel()
            .sentinelDownAfter(Duration.ofSeconds(3)).build());

    @Test
    void start_formsPrimaryReplicaAndThreeSentinels_andKillingPrimary_promotesReplica() {
        RedisNode primary = redis.primary();
        RedisNode replica = redis.replicas().get(0);
        assertThat(redis.sentinels()).hasSize(3).allMatch(RedisNode::isSentinel);
        assertThat(redis.nodes()).hasSize(5);
        assertThat(redis.uri()).startsWith("redis-sentinel://127.0.0.1:").endsWith("#holdfast")
                .contains(":" + redis.sentinels().get(2).port());
        assertThat(primary.cli("ROLE")).startsWith("master");
        assertThat(redis.sentinels().get(1).cli("SENTINEL", "MASTER", "holdfast"))
                .contains("down-after-milliseconds\n3000");
        assertThat(replica.cli("ROLE")).startsWith("slave");
        primary.cli("SET", "before-failover", "1");
        assertThat(primary.cli("WAIT", "1", "5000")).isEqualTo("1");

        primary.kill();
        RedisNode promoted = redis.awaitFailover(Duration.ofSeconds(30));

        assertThat(promoted).isSameAs(replica);
        assertThat(redis.primary()).isSameAs(replica);
        assertThat(promoted.cli("ROLE")).startsWith("master");
        assertThat(promoted.cli("GET", "before-failover")).isEqualTo("1");
        assertThat(redis.sentinels().get(0).cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "holdfast"))
                .isEqualTo("127.0.0.1\n" + replica.port());

        primary.restart();
        assertThat(redis.replicas()).containsExactly(primary);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(primary.cli("ROLE")).startsWith("slave\n127.0.0.1\n" + replica.port()));
    }

    @Test
    void clusterOnlyAccessors_areRejected() {
        assertThatThrownBy(() -> redis.nodeForKey("k")).isInstanceOf(IllegalStateException.class)
                .hasMessage("nodeForKey() needs a CLUSTER topology, but this is SENTINEL");
        assertThatThrownBy(redis::clusterSeeds).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RedisTopologySpec.standalone().sentinelDownAfter(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("sentinelDownAfter applies to SENTINEL topologies, not STANDALONE");
    }
}

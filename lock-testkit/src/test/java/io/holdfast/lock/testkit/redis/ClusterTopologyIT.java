package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClusterTopologyIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.cluster();

    @Test
    void start_coversAllSlots_onThreePrimaries() {
        assertThat(redis.nodes()).hasSize(3);
        assertThat(redis.clusterSeeds()).hasSize(3).allMatch(uri -> uri.startsWith("redis://127.0.0.1:"));
        assertThat(redis.uri()).isEqualTo(redis.clusterSeeds().get(0));
        for (RedisNode node : redis.nodes()) {
            String info = node.cli("CLUSTER", "INFO");
            assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_size:3");
        }
    }

    @Test
    void nodeForKey_agreesWithRedisCliRedirects() {
        RedisNode seed = redis.nodes().get(0);
        Set<Integer> owners = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String key = "key-" + i;
            seed.cli("-c", "SET", key, "v" + i);

            RedisNode owner = redis.nodeForKey(key);

            // Without -c a node answers only for its own slots (MOVED otherwise).
            assertThat(owner.cli("GET", key)).isEqualTo("v" + i);
            owners.add(owner.port());
        }
        assertThat(owners).hasSize(3);
    }

    @Test
    void primary_isRejected_forCluster() {
        assertThatThrownBy(redis::primary).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("three primaries");
    }

    @Test
    void ownerPort_skipsFailedMastersAndMigratingSlots() {
        String nodes = "a 127.0.0.1:7001@17001 master,fail - 0 0 1 connected 0-100\n"
                + "b 127.0.0.1:7002@17002 myself,master - 0 0 2 connected 0-100 [101->-c]\n"
                + "c 127.0.0.1:7003@17003 master - 0 0 3 connected 101 102-16383\n";

        assertThat(ClusterSetup.ownerPort(nodes, 50)).isEqualTo(7002);
        assertThat(ClusterSetup.ownerPort(nodes, 101)).isEqualTo(7003);
        assertThat(ClusterSetup.ownerPort(nodes, 16383)).isEqualTo(7003);
    }
}

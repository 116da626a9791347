package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Cluster clients holdfast creates refresh their topology soon after a failover. */
class TopologyRefreshTest {

    @Test
    void everyAdaptiveTrigger_isOn_withAShortRateLimit() {
        ClusterTopologyRefreshOptions o = RedisBackend.topologyRefresh();
        assertThat(o.getAdaptiveRefreshTriggers()).containsExactlyInAnyOrder(RefreshTrigger.values());
        assertThat(o.getAdaptiveRefreshTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(o.getRefreshTriggersReconnectAttempts()).isLessThanOrEqualTo(2);
        assertThat(o.isPeriodicRefreshEnabled()).isTrue();
    }
}

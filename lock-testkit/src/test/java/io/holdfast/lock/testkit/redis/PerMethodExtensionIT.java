package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An extension on an instance field gives every test method its own server. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerMethodExtensionIT {

    private static RedisNode first;

    @RegisterExtension
    RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone().name("per-method").build());

    @Test
    @Order(1)
    void firstMethod_getsAServer() {
        first = redis.primary();
        assertThat(first.cli("PING")).isEqualTo("PONG");
    }

    @Test
    @Order(2)
    void secondMethod_getsAFreshServer_andTheFirstIsGone() {
        assertThat(first).isNotNull();
        assertThat(first.isAlive()).isFalse();
        assertThat(redis.primary().port()).isNotEqualTo(first.port());
        assertThat(redis.primary().cli("DBSIZE")).isEqualTo("0");
    }

    @Test
    @Order(3)
    void unknownLauncher_isRejected() {
        assertThatThrownBy(() -> Launcher.Holder.select("podman"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("holdfast.testkit.redis.launcher must be auto, process or container, but was 'podman'");
    }
}

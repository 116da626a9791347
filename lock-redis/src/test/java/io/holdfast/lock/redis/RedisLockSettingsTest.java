package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisLockSettingsTest {

    @Test
    void defaults_areDocumentedConstants() {
        RedisLockSettings s = RedisLockSettings.of("redis://localhost:6390");
        assertThat(s.namespace()).isEqualTo(RedisLockSettings.DEFAULT_NAMESPACE).isEqualTo("holdfast");
        assertThat(s.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.renewal()).isTrue();
        assertThat(s.waitStrategy()).isEqualTo(WaitStrategy.PUBSUB);
        assertThat(s.minReplicaAcks()).isZero();
        assertThat(s.timeout()).isEqualTo(RedisLockSettings.DEFAULT_TIMEOUT);
        assertThat(s.isCluster()).isFalse();
        assertThat(s.endpoint()).isEqualTo("redis://localhost:6390");
    }

    @Test
    void from_copiesEverySetting() {
        RedisLockSettings base = RedisLockSettings.builder().uri("rediss://h:7000").namespace("app:locks")
                .lease(Duration.ofSeconds(5)).renewal(false).waitStrategy(WaitStrategy.POLL)
                .replicaAcks(1, Duration.ofMillis(50)).retry(3, Duration.ofMillis(10), Duration.ofMillis(40))
                .timeout(Duration.ofMillis(700)).build();
        RedisLockSettings copy = RedisLockSettings.from(base).build();
        assertThat(copy.toString()).isEqualTo(base.toString());
        assertThat(copy.retryAttempts()).isEqualTo(3);
        assertThat(copy.retryMaxBackoff()).isEqualTo(Duration.ofMillis(40));
        assertThat(copy.endpoint()).isEqualTo("rediss://h:7000");
    }

    @Test
    void localHandoffs_defaultValidatedAndOffWithoutRenewal() {
        assertThat(RedisLockSettings.of("redis://h:1").localHandoffs())
                .isEqualTo(RedisLockSettings.DEFAULT_LOCAL_HANDOFFS).isEqualTo(32);
        RedisLockSettings four = RedisLockSettings.builder().uri("redis://h:1").localHandoffs(4).build();
        assertThat(RedisLockSettings.from(four).build().localHandoffs()).isEqualTo(4);
        assertThat(RedisLockSettings.from(four).renewal(false).build().localHandoffs()).isZero();
        assertThatThrownBy(() -> RedisLockSettings.builder().localHandoffs(33))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("local handoffs must be 0 to 32, but was 33");
        assertThatThrownBy(() -> RedisLockSettings.builder().localHandoffs(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badUri_isRejected_withoutShowingThePassword() {
        assertThatThrownBy(() -> RedisLockSettings.of("http://user:hunter2@host:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri is not a valid Redis URL: it must start with redis://")
                .hasMessageContaining("http://user:****@host:6379")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisLockSettings.of("redis://:hunter2@host:notaport"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2")
                .hasMessageContaining("uri is not a valid Redis URL: the port must be a number");
    }

    @Test
    void endpoint_andToString_neverShowCredentials() {
        RedisLockSettings s = RedisLockSettings.of("redis://alice:hunter2@db.example:6380/2");
        assertThat(s.endpoint()).isEqualTo("redis://db.example:6380");
        assertThat(s.toString()).doesNotContain("hunter2").doesNotContain("alice");
        RedisLockSettings sentinel = RedisLockSettings.of("redis-sentinel://hunter2@s1:26379,s2:26380#main");
        assertThat(sentinel.endpoint()).isEqualTo("redis-sentinel://s1:26379,s2:26380#main");
    }

    @Test
    void lease_belowMinimum_isRejected_namingSettingAndValue() {
        assertThatThrownBy(() -> RedisLockSettings.builder().lease(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lease must be at least 100ms, but was 5ms");
    }

    @Test
    void namespace_withBraces_orSpaces_isRejected() {
        assertThatThrownBy(() -> RedisLockSettings.builder().namespace("a{b}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace").hasMessageContaining("'{' at index 1");
        assertThatThrownBy(() -> RedisLockSettings.builder().namespace("a b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 1");
        assertThatThrownBy(() -> RedisLockSettings.builder().namespace(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 64");
    }

    @Test
    void numericSettings_outOfRange_areRejected() {
        RedisLockSettings.Builder b = RedisLockSettings.builder();
        assertThatThrownBy(() -> b.replicaAcks(-1, Duration.ofMillis(10)))
                .hasMessage("replica acks must be 0 (off) or more, but was -1");
        assertThatThrownBy(() -> b.retry(0, Duration.ofMillis(10), Duration.ofMillis(10)))
                .hasMessage("retry attempts must be at least 1 (no retry), but was 0");
        assertThatThrownBy(() -> b.retry(3, Duration.ofMillis(100), Duration.ofMillis(10)))
                .hasMessage("retry max backoff must be at least 100ms, but was 10ms");
        assertThatThrownBy(() -> b.timeout(Duration.ofMillis(1)))
                .hasMessage("timeout must be at least 10ms, but was 1ms");
    }

    @Test
    void sources_mustBeExactlyOne() {
        assertThatThrownBy(() -> RedisLockSettings.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no Redis configured");
        assertThatThrownBy(() -> RedisLockSettings.builder().uri("redis://a:1")
                .cluster(List.of("redis://b:2")).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exactly one").hasMessageContaining("redis-cluster://b:2");
        assertThatThrownBy(() -> RedisLockSettings.builder().cluster(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one seed");
        assertThatThrownBy(() -> RedisLockSettings.builder()
                .clusterUris(List.of(RedisURI.create("redis-sentinel://s:26379#m"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use uri(...) for Sentinel");
    }

    @Test
    void clientResources_applyToTheClientHoldfastCreates_notToTheCallersClient() {
        ClientResources resources = DefaultClientResources.builder().build();
        try {
            assertThat(RedisLockSettings.builder().uri("redis://h:6379").clientResources(resources).build()
                    .clientResources()).containsSame(resources);
            RedisLockSettings copied = RedisLockSettings.from(RedisLockSettings.builder().uri("redis://h:6379")
                    .clientResources(resources).build()).build();
            assertThat(copied.clientResources()).containsSame(resources);
            RedisClient client = RedisClient.create(resources);
            assertThatThrownBy(() -> RedisLockSettings.builder().client(client).clientResources(resources).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("create that client with the resources instead");
            client.shutdown();
        } finally {
            resources.shutdown();
        }
    }

    @Test
    void replicaAckTimeout_mustBeShorterThanAThirdOfTheLease() {
        assertThatThrownBy(() -> RedisLockSettings.builder().uri("redis://a:1").lease(Duration.ofMillis(300))
                .replicaAcks(1, Duration.ofMillis(100)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("replica ack timeout must be shorter than lease/3 (100ms), but was 100ms");
    }

    @Test
    void cluster_seeds_areParsed() {
        RedisLockSettings s = RedisLockSettings.builder()
                .cluster(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7001")).build();
        assertThat(s.isCluster()).isTrue();
        assertThat(s.endpoint()).isEqualTo("redis-cluster://10.0.0.1:7000,10.0.0.2:7001");
    }

    @Test
    void cacheMisses_defaultsToOff_isCopiedByFrom_andShownOnlyWhenOn() {
        RedisLockSettings defaults = RedisLockSettings.builder().uri("redis://localhost").build();
        assertThat(defaults.cacheMisses()).isFalse();
        assertThat(defaults.toString()).doesNotContain("misses");
        RedisLockSettings on = RedisLockSettings.builder().uri("redis://localhost").cacheMisses(true).build();
        assertThat(on.cacheMisses()).isTrue();
        assertThat(RedisLockSettings.from(on).build().cacheMisses()).isTrue();
        assertThat(on.toString()).contains("misses cached");
    }

    @Test
    void waitForRelease_defaultsToWaiting_isCopiedByFrom_andShownOnlyWhenOff() {
        RedisLockSettings defaults = RedisLockSettings.of("redis://localhost");
        assertThat(defaults.waitForRelease()).isTrue();
        assertThat(defaults.toString()).doesNotContain("releases");
        RedisLockSettings fast = RedisLockSettings.builder().uri("redis://localhost").waitForRelease(false).build();
        assertThat(fast.waitForRelease()).isFalse();
        assertThat(RedisLockSettings.from(fast).build().waitForRelease()).isFalse();
        assertThat(fast.toString()).contains("releases do not wait");
    }
}

package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.Lease;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A RedisClient the caller owns is used, shared, and left running when the managers close. */
class CallersClientIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @Test
    void callersClient_isSharedByManagers_andNotShutDown() throws Exception {
        RedisClient client = RedisClient.create(redis.uri());
        try {
            RedisLockSettings settings = RedisLockSettings.builder().client(client).build();
            try (RedisLockManager locks = RedisLockManager.create(settings);
                    RedisStatusManager flags = RedisStatusManager.create(settings)) {
                assertThat(settings.endpoint()).isEqualTo("redis (caller's client)");
                try (Lease lease = locks.acquire("shared-client", Duration.ofSeconds(5))) {
                    assertThat(flags.setIfAbsent("shared-client-flag", Duration.ofSeconds(5))).isTrue();
                }
            }
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertThat(c.sync().ping()).isEqualTo("PONG");
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void callersClient_withoutDefaultUri_usesTheSettingsUri() throws Exception {
        RedisClient client = RedisClient.create();
        try {
            RedisLockSettings settings = RedisLockSettings.builder().client(client)
                    .uri(RedisURI.create(redis.uri())).build();
            try (RedisLockManager locks = RedisLockManager.create(settings)) {
                assertThat(locks.tryAcquire("uri-and-client")).hasValueSatisfying(Lease::release);
            }
        } finally {
            client.shutdown();
        }
    }
}

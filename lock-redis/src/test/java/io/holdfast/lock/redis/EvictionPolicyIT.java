package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server that may evict keys with a TTL (lock keys) is reported once, and still used. */
class EvictionPolicyIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone()
            .serverArg("maxmemory-policy", "volatile-lru").build());

    @Test
    void evictingPolicy_isWarnedAboutOncePerEndpoint() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            RedisLockManager.create(redis.uri()).close();
            RedisLockManager.create(redis.uri()).close();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        assertThat(log.split("maxmemory-policy volatile-lru", -1)).hasSize(2);
        assertThat(log).contains("set maxmemory-policy noeviction");
    }
}

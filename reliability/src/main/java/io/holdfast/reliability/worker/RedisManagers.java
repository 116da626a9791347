package io.holdfast.reliability.worker;

import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import java.time.Duration;
import java.util.List;

/** Creates Redis lock managers from {@link WorkerOptions}; see {@link Managers}. */
final class RedisManagers {

    private RedisManagers() {
    }

    static RedisLockManager create(WorkerOptions options) {
        return RedisLockManager.create(settings(options));
    }

    /**
     * Settings from {@code uri} (or {@code cluster}, comma-separated seeds), {@code lease_ms},
     * {@code timeout_ms}, {@code min_acks} with {@code ack_timeout_ms}, {@code namespace}.
     */
    static RedisLockSettings settings(WorkerOptions options) {
        RedisLockSettings.Builder builder = RedisLockSettings.builder();
        if (options.has("cluster")) {
            builder.cluster(List.of(options.require("cluster").split(",")));
        } else {
            builder.uri(options.require("uri"));
        }
        builder.lease(options.millis("lease_ms", RedisLockSettings.DEFAULT_LEASE.toMillis()))
                .timeout(options.millis("timeout_ms", RedisLockSettings.DEFAULT_TIMEOUT.toMillis()))
                .namespace(options.get("namespace", RedisLockSettings.DEFAULT_NAMESPACE));
        long acks = options.number("min_acks", 0);
        if (acks > 0) {
            builder.replicaAcks((int) acks, options.millis("ack_timeout_ms", 100));
        }
        if (options.has("retries")) {
            builder.retry((int) options.number("retries", 1), Duration.ofMillis(20), Duration.ofMillis(500));
        }
        return builder.build();
    }
}

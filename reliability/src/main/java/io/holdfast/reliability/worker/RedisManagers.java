package io.holdfast.reliability.worker;

import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Creates Redis lock managers from {@link WorkerOptions}; see {@link Managers}. */
final class RedisManagers {

    private RedisManagers() {
    }

    /** How long a manager's start-up waits for Redis to be reachable, unless {@code startup_ms} says otherwise. */
    static final long DEFAULT_STARTUP_MILLIS = 20_000;

    /**
     * A manager, retrying its start-up until Redis answers or {@code startup_ms} (20s by default)
     * have passed: a worker JVM started on a loaded machine can meet a Redis whose connection is
     * refused or reset ("Currently not connected") for a moment; it waits rather than dying.
     *
     * @throws LockUnavailableException the last start-up failure, once the time is up
     */
    static RedisLockManager create(WorkerOptions options) {
        RedisLockSettings settings = settings(options);
        long deadline = System.nanoTime() + options.millis("startup_ms", DEFAULT_STARTUP_MILLIS).toNanos();
        long backoffMillis = 20;
        for (int attempt = 1; ; attempt++) {
            try {
                return RedisLockManager.create(settings);
            } catch (LockUnavailableException e) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis) - deadline > 0) {
                    e.addSuppressed(new IllegalStateException("gave up starting the lock manager after " + attempt
                            + " attempt(s) within startup_ms=" + options.millis("startup_ms", DEFAULT_STARTUP_MILLIS)
                            .toMillis()));
                    throw e;
                }
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoffMillis = Math.min(backoffMillis * 2, 500);
            }
        }
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

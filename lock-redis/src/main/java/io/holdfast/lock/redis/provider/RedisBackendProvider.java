package io.holdfast.lock.redis.provider;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.redis.admin.RedisLockAdmin;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockBackendProvider;
import io.holdfast.lock.spi.RedisEndpoint;
import java.util.Optional;

/**
 * The {@code redis} backend for {@link io.holdfast.lock.LockService}: {@link RedisLockManager}
 * and {@link RedisStatusManager} from {@code REDIS_URL} (standalone, Sentinel or Cluster seeds),
 * {@code LOCK_NAMESPACE}, {@code LOCK_LEASE}, {@code LOCK_REPLICA_ACKS} and
 * {@code LOCK_REPLICA_TIMEOUT}; unset settings take {@link RedisLockSettings}' defaults. A
 * service's two managers share one Lettuce client, its connections and one owner id.
 */
public final class RedisBackendProvider implements LockBackendProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public RedisBackendProvider() {}

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public LockManager createLocks(BackendConfig config) {
        return RedisLockManager.create(settings(config));
    }

    @Override
    public StatusManager createStatus(BackendConfig config) {
        return RedisStatusManager.create(settings(config));
    }

    /** Shares the Redis lock manager's client, connections and owner id. */
    @Override
    public StatusManager createStatus(BackendConfig config, LockManager locks) {
        return locks instanceof RedisLockManager redis ? RedisStatusManager.create(redis) : createStatus(config);
    }

    /** The namespace's locks, instances, flags and audit stream; connects on first use. */
    @Override
    public Optional<LockAdmin> createAdmin(BackendConfig config) {
        return Optional.of(RedisLockAdmin.create(settings(config)));
    }

    /**
     * The Redis settings for a backend configuration.
     *
     * @throws IllegalArgumentException if no Redis endpoint is configured or a setting is invalid
     */
    static RedisLockSettings settings(BackendConfig config) {
        RedisEndpoint endpoint = config.requireRedis();
        RedisLockSettings.Builder b = RedisLockSettings.builder();
        if (endpoint.topology() == RedisEndpoint.Topology.CLUSTER) {
            b.cluster(endpoint.uris());
        } else {
            b.uri(endpoint.uris().get(0));
        }
        config.namespace().ifPresent(b::namespace);
        config.lease().ifPresent(b::lease);
        config.replicaAcks().ifPresent(acks -> b.replicaAcks(acks,
                config.replicaTimeout().orElse(RedisLockSettings.DEFAULT_REPLICA_ACK_TIMEOUT)));
        config.meterRegistry().ifPresent(b::meterRegistry);
        return b.build();
    }
}

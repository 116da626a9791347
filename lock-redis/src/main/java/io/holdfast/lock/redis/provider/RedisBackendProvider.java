package io.holdfast.lock.redis.provider;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.RedisOptions;
import io.holdfast.lock.redis.RedisStatusManager;
import io.holdfast.lock.redis.admin.RedisLockAdmin;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.BackendSummary;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockBackendProvider;
import java.util.List;
import java.util.Optional;

/**
 * The {@code redis} backend for {@link io.holdfast.lock.LockService}: {@link RedisLockManager}
 * and {@link RedisStatusManager} from {@code REDIS_URL} (standalone, Sentinel, a socket or Cluster
 * seeds), {@code LOCK_NAMESPACE}, {@code LOCK_LEASE}, {@code LOCK_REPLICA_ACKS} and
 * {@code LOCK_REPLICA_TIMEOUT} (read by {@link RedisVariables}); unset settings take
 * {@link RedisLockSettings}' defaults, and {@link RedisOptions} given to
 * {@code LockService.builder()} apply last. Chosen by default when {@code REDIS_URL} is set. A
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
    public String description() {
        return "Redis; chosen by default when " + RedisVariables.REDIS_URL
                + " is set, such as redis://host:6379";
    }

    @Override
    public List<String> variables() {
        return RedisVariables.ALL;
    }

    @Override
    public Optional<String> selectedBy(BackendConfig config) {
        return config.isSet(RedisVariables.REDIS_URL)
                ? Optional.of(RedisVariables.REDIS_URL + " is set") : Optional.empty();
    }

    @Override
    public BackendSummary validate(BackendConfig config, boolean chosen) {
        return BackendSummary.of(RedisVariables.read(config, chosen).summary());
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
     * The Redis settings for a backend configuration: its variables, then its options.
     *
     * @throws IllegalArgumentException if {@code REDIS_URL} is missing or a setting is invalid,
     *     naming the variable
     */
    static RedisLockSettings settings(BackendConfig config) {
        RedisLockSettings.Builder b = RedisVariables.read(config, true).apply(RedisLockSettings.builder());
        config.meterRegistry().ifPresent(b::meterRegistry);
        return RedisOptions.applyAll(config.options(RedisOptions.class), b).build();
    }
}

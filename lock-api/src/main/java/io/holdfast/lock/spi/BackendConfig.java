package io.holdfast.lock.spi;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The validated settings a {@link LockBackendProvider} builds its managers from. Each backend
 * uses the settings that apply to it and its own defaults for those that are empty.
 * {@link #toString()} never shows a password.
 *
 * @param lockDir the directory of host-wide lock and flag files ({@code file} backend)
 * @param redis the Redis endpoint ({@code redis} backend)
 * @param namespace the key namespace, to keep applications that share a Redis apart
 * @param lease the lease of a Redis lock, renewed while held
 * @param replicaAcks how many replicas must acknowledge a grant before it counts
 * @param replicaTimeout how long to wait for those acknowledgements
 * @param meterRegistry where to record metrics
 * @param options backend-specific settings made in code; each backend applies those of its own
 *     types, after the settings above
 */
public record BackendConfig(
        Path lockDir,
        Optional<RedisEndpoint> redis,
        Optional<String> namespace,
        Optional<Duration> lease,
        OptionalInt replicaAcks,
        Optional<Duration> replicaTimeout,
        Optional<MeterRegistry> meterRegistry,
        List<BackendOption> options) {

    /** Checks that no component is null. */
    public BackendConfig {
        Objects.requireNonNull(lockDir, "lockDir");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(replicaAcks, "replicaAcks");
        Objects.requireNonNull(replicaTimeout, "replicaTimeout");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        options = List.copyOf(options);
    }

    /** Settings without backend-specific options. */
    public BackendConfig(Path lockDir, Optional<RedisEndpoint> redis, Optional<String> namespace,
            Optional<Duration> lease, OptionalInt replicaAcks, Optional<Duration> replicaTimeout,
            Optional<MeterRegistry> meterRegistry) {
        this(lockDir, redis, namespace, lease, replicaAcks, replicaTimeout, meterRegistry, List.of());
    }

    /** Settings with only a lock directory: every other setting takes the backend's default. */
    public static BackendConfig ofLockDir(Path lockDir) {
        return new BackendConfig(lockDir, Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalInt.empty(), Optional.empty(), Optional.empty());
    }

    /** A copy that records metrics on {@code registry} (none when null). */
    public BackendConfig withMeterRegistry(MeterRegistry registry) {
        return new BackendConfig(lockDir, redis, namespace, lease, replicaAcks, replicaTimeout,
                Optional.ofNullable(registry), options);
    }

    /** A copy with the given Redis endpoint. */
    public BackendConfig withRedis(RedisEndpoint endpoint) {
        return new BackendConfig(lockDir, Optional.of(endpoint), namespace, lease, replicaAcks,
                replicaTimeout, meterRegistry, options);
    }

    /** A copy with the given backend-specific options. */
    public BackendConfig withOptions(List<BackendOption> backendOptions) {
        return new BackendConfig(lockDir, redis, namespace, lease, replicaAcks, replicaTimeout,
                meterRegistry, backendOptions);
    }

    /** The options of type {@code type}, in the order they were given. */
    public <T extends BackendOption> List<T> options(Class<T> type) {
        return options.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * The Redis endpoint, for a backend that cannot work without one.
     *
     * @throws IllegalArgumentException if none is configured
     */
    public RedisEndpoint requireRedis() {
        return redis.orElseThrow(() -> new IllegalArgumentException(
                "the redis backend needs a Redis URL (REDIS_URL), but none was given"));
    }
}

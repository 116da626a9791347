package io.holdfast.lock.redis;

import io.holdfast.lock.spi.BackendOption;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Redis settings made in code for {@link io.holdfast.lock.LockService}: a customizer of the
 * {@link RedisLockSettings.Builder} that the environment's variables filled, applied after them
 * (so it wins), for instance to poll on a managed Redis without pub/sub, share the application's
 * Lettuce client or {@code ClientResources}, or change timeouts:
 * <pre>{@code
 * LockService.builder().fromEnvironment()
 *         .option(RedisOptions.customize(b -> b.waitStrategy(WaitStrategy.POLL)
 *                 .clientResources(resources).timeout(Duration.ofSeconds(2))))
 *         .build();
 * }</pre>
 * Used only when the mode runs the {@code redis} backend ({@code USE_NEW_LOCKS=true} or
 * {@code dual}); ignored otherwise. The settings are validated by
 * {@link RedisLockSettings.Builder#build()} as usual.
 */
public final class RedisOptions implements BackendOption {

    private final Consumer<RedisLockSettings.Builder> customizer;

    private RedisOptions(Consumer<RedisLockSettings.Builder> customizer) {
        this.customizer = customizer;
    }

    /** An option that calls {@code customizer} on the Redis settings builder. */
    public static RedisOptions customize(Consumer<RedisLockSettings.Builder> customizer) {
        return new RedisOptions(Objects.requireNonNull(customizer, "customizer"));
    }

    /** {@code redis}. */
    @Override
    public String backend() {
        return "redis";
    }

    /** Applies this option to {@code builder}. */
    void applyTo(RedisLockSettings.Builder builder) {
        customizer.accept(builder);
    }

    /** Applies every option, in order, to {@code builder}; for the provider. */
    public static RedisLockSettings.Builder applyAll(Iterable<RedisOptions> options,
            RedisLockSettings.Builder builder) {
        for (RedisOptions o : options) {
            o.applyTo(builder);
        }
        return builder;
    }

    @Override
    public String toString() {
        return "RedisOptions[customizer]";
    }
}

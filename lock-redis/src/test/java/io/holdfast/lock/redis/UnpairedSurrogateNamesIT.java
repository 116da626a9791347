package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.lock.testkit.redis.RedisExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lone UTF-16 surrogate has no UTF-8 form: encoded, {@code "x\uD800"} and {@code "x\uDBFF"}
 * both became {@code "x?"}, so clearing one removed the other. Such names are refused before any
 * Redis call; valid pairs and question marks stay distinct flags and locks.
 */
class UnpairedSurrogateNamesIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    private static final Duration TTL = Duration.ofMinutes(1);
    private final String prefix = "sur-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @Test
    void flagNames_withAnUnpairedSurrogate_areRefused_andCannotClearAnotherFlag() {
        try (RedisStatusManager flags = RedisStatusManager.create(redis.uri())) {
            String question = prefix + "x?";
            String emoji = prefix + "x\uD83D\uDE00";
            assertThat(flags.setIfAbsent(question, TTL)).isTrue();
            assertThat(flags.setIfAbsent(emoji, TTL)).isTrue();
            assertThatThrownBy(() -> flags.set(prefix + "x\uD800", TTL))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
            assertThatThrownBy(() -> flags.clear(prefix + "x\uDBFF"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
            assertThatThrownBy(() -> flags.forceClear(prefix + "x\uDBFF"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(flags.isSet(question)).isTrue();
            assertThat(flags.isSet(emoji)).isTrue();
            assertThat(flags.clear(question)).isTrue();
            assertThat(flags.get(emoji)).get().satisfies(f -> assertThat(f.name()).isEqualTo(emoji));
            assertThat(flags.clear(emoji)).isTrue();
        }
    }

    @Test
    void lockNames_withAnUnpairedSurrogate_areRefused() {
        try (RedisLockManager locks = RedisLockManager.create(RedisLockSettings.builder().uri(redis.uri()).build())) {
            assertThatThrownBy(() -> locks.tryAcquire(prefix + "job-\uD83D"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
            var held = locks.tryAcquire(prefix + "job-?").orElseThrow();
            assertThat(locks.tryAcquire(prefix + "job-\uD83D\uDE00")).isPresent().get()
                    .satisfies(l -> assertThat(l.release()).isTrue());
            assertThat(held.release()).isTrue();
        }
    }
}

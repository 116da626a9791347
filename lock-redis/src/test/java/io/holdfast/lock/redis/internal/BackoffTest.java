package io.holdfast.lock.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = Backoff.of(Duration.ofMillis(50), Duration.ofSeconds(1));

    @Test
    void ceiling_doublesFromTheFirstDelay_upToTheMaximum() {
        assertThat(backoff.ceilingNanos(1)).isEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(backoff.ceilingNanos(2)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(backoff.ceilingNanos(5)).isEqualTo(Duration.ofMillis(800).toNanos());
        assertThat(backoff.ceilingNanos(6)).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(backoff.ceilingNanos(Integer.MAX_VALUE)).as("no overflow")
                .isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void delay_isBetweenHalfAndAllOfTheCeiling() {
        for (int attempt = 1; attempt < 70; attempt++) {
            long ceiling = backoff.ceilingNanos(attempt);
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delayNanos(attempt)).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void invalidBounds_areRejected() {
        assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximum");
    }
}

package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.FlagInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalStatusManagerTest {

    private final MutableClock clock = new MutableClock();
    private final LocalStatusManager flags = LocalStatusManager.create(clock);

    @Test
    void flag_expiresExactlyAtTtl_onTheInjectedClock() {
        flags.set("charge-running", Duration.ofSeconds(30));
        clock.advance(Duration.ofMillis(29_999));
        assertThat(flags.isSet("charge-running")).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(flags.isSet("charge-running")).isFalse();
        assertThat(flags.list()).isEmpty();
        assertThat(flags.setIfAbsent("charge-running", Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void get_reportsTimesFromTheClock_andOwnerWithIdAndPid() {
        flags.set("export", Duration.ofMinutes(2));
        FlagInfo info = flags.get("export").orElseThrow();
        assertThat(info.setAt()).isEqualTo(clock.instant());
        assertThat(info.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
        assertThat(info.owner()).matches("[0-9a-f]{32} \\(pid \\d+ on .+\\)");
    }

    @Test
    void clear_ofExpiredFlag_returnsFalse() {
        flags.set("f", Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        assertThat(flags.clear("f")).isFalse();
        assertThat(flags.forceClear("f")).isFalse();
    }

    @Test
    void expiredFlags_areDroppedFromMemory_whenListed() {
        for (int i = 0; i < 1000; i++) {
            flags.set("f" + i, Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(flags.list()).isEmpty();
        assertThat(flags.get("f1")).isEmpty();
    }
}

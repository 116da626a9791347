package io.holdfast.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskSettingsTest {

    @Test
    void of_hasNoMinHoldAndNoMaxDuration() {
        TaskSettings t = TaskSettings.of("export");

        assertThat(t.name()).isEqualTo("export");
        assertThat(t.minHold()).isEqualTo(TaskSettings.DEFAULT_MIN_HOLD).isZero();
        assertThat(t.maxDuration()).isEmpty();
        assertThat(t.minHoldFlag()).isEqualTo("export:min-hold");
    }

    @Test
    void builder_keepsValues_andFromCopiesThem() {
        TaskSettings t = TaskSettings.builder("export").minHold(Duration.ofSeconds(30))
                .maxDuration(Duration.ofMinutes(5)).build();

        assertThat(t.minHold()).hasSeconds(30);
        assertThat(t.maxDuration()).contains(Duration.ofMinutes(5));
        assertThat(TaskSettings.from(t).build()).isEqualTo(t).hasSameHashCodeAs(t);
        assertThat(TaskSettings.from(t).noMaxDuration().build().maxDuration()).isEmpty();
        assertThat(t).hasToString("TaskSettings[export, minHold 30s, maxDuration 5m]");
    }

    @Test
    void invalidValues_areRejected_namingTheParameter() {
        assertThatThrownBy(() -> TaskSettings.of("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("task name");
        assertThatThrownBy(() -> TaskSettings.of("x".repeat(TaskSettings.MAX_NAME_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 240");
        assertThatThrownBy(() -> TaskSettings.builder("t").minHold(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minHold");
        assertThatThrownBy(() -> TaskSettings.builder("t").maxDuration(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDuration must be at least 1ms, but was 0ms");
        assertThatThrownBy(() -> TaskSettings.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void outcomeTagValues_matchTheMetricNames() {
        assertThat(TaskResult.Outcome.RAN.tagValue()).isEqualTo(LockMetricNames.RESULT_RAN);
        assertThat(TaskResult.Outcome.SKIPPED_HELD.tagValue()).isEqualTo(LockMetricNames.RESULT_SKIPPED_HELD);
        assertThat(TaskResult.Outcome.LOST.tagValue()).isEqualTo(LockMetricNames.RESULT_LOST);
        assertThat(TaskResult.Outcome.TIMED_OUT.tagValue()).isEqualTo(LockMetricNames.RESULT_TIMED_OUT);
        assertThat(TaskResult.Outcome.FAILED.tagValue()).isEqualTo(LockMetricNames.RESULT_FAILED);
    }
}

package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessesTest {

    @Test
    void run_returnsTrimmedOutput() {
        assertThat(Processes.run(List.of("echo", " hello "), 10)).isEqualTo("hello");
    }

    @Test
    void run_isBounded_evenWhenTheCommandNeverClosesItsOutput() {
        // Like redis-cli against a SIGSTOPped server: no output, no exit.
        assertThatThrownBy(() -> Processes.run(List.of("sleep", "30"), 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("did not finish within 1s");
    }

    @Test
    void run_reportsNonZeroExit_withOutput() {
        assertThatThrownBy(() -> Processes.run(List.of("sh", "-c", "echo nope; exit 3"), 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("exited with 3: nope");
    }
}

package io.holdfast.benchmarks.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memory check runs through every manager (small counts; figures are printed, not asserted). */
class MemoryCheckSmokeTest {

    @Test
    @Timeout(120)
    void memoryCheck_runsEveryManager() throws Exception {
        String table = MemoryCheck.run(20_000, 2_000, 2_000);

        assertThat(table).contains("| LocalLockManager | 20,000 |", "| FileLockManager | 2,000 |",
                "| RedisLockManager | 2,000 |");
        assertThat(table).contains("12000 lock files"); // 10,000 warm-up + 2,000 measured, kept by design
    }
}

package io.holdfast.lock.redis.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.jvm.StartSignal;
import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.holdfast.lock.testkit.redis.RedisTopologySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each step of the rollout runbook across real processes on one resource and one flag: instances
 * in adjacent modes ({@code false} + {@code dual}, then {@code dual} + {@code true}) always share
 * a lock, so sections never interleave and no update is lost.
 */
class RolloutProcessIT {

    private static final int ITERATIONS = 100;

    @RegisterExtension
    static RedisExtension redis = RedisExtension.of(RedisTopologySpec.standalone().password("rollout-pw").build());

    @TempDir
    Path work;

    private final List<TestJvm> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(TestJvm::close);
    }

    @Test
    void legacyAndDual_neverOverlap() throws Exception {
        run(List.of("false", "dual", "no", "DUAL"), false);
    }

    @Test
    void dualAndTrue_neverOverlap_andTokensIncreaseAcrossModes() throws Exception {
        run(List.of("dual", "true", "Dual", "on"), true);
    }

    private void run(List<String> modes, boolean sharedTokens) throws Exception {
        Files.writeString(work.resolve("counter"), "0 0");
        for (int i = 0; i < modes.size(); i++) {
            processes.add(TestJvm.builder(RolloutWorker.class)
                    .args(work.toString(), Integer.toString(ITERATIONS), Integer.toString(i))
                    .env(Map.of("USE_NEW_LOCKS", modes.get(i), "REDIS_URL", redis.uri(),
                            "LOCK_DIR", work.resolve("locks").toString())).start());
        }
        StartSignal.release(processes, work.resolve("go"), Duration.ofMinutes(1));
        int charges = 0;
        List<List<String>> outputs = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            List<String> output = processes.get(i).finish(Duration.ofMinutes(3));
            outputs.add(output);
            assertThat(String.join("\n", output)).doesNotContain("rollout-pw");
            String[] result = output.stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow().split(" ");
            if (sharedTokens) {
                assertThat(result[1]).as("stale fencing tokens seen by worker %d", i).isEqualTo("0");
            }
            charges += Integer.parseInt(result[2]);
        }
        assertThat(outputs.get(0)).contains(modes.get(0).equals("false") ? "BACKEND file" : "BACKEND dual(file+redis)");
        assertThat(outputs.get(1)).contains(modes.get(1).equals("dual") ? "BACKEND dual(file+redis)" : "BACKEND redis");
        assertThat(Files.readString(work.resolve("counter")).trim().split(" ")[0])
                .isEqualTo(Integer.toString(modes.size() * ITERATIONS));
        assertThat(charges).isPositive();
        assertNoInterleaving("lock", modes.size());
        assertNoInterleaving("charge", modes.size());
    }

    /** Sorts every worker's sections by start time; each must end before the next begins. */
    private void assertNoInterleaving(String kind, int workers) throws IOException {
        List<long[]> sections = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Path journal = work.resolve("journal-" + w);
            long begin = -1;
            for (String line : Files.readAllLines(journal)) {
                String[] parts = line.split(" ");
                if (parts[1].equals(kind + "-begin")) {
                    begin = Long.parseLong(parts[0]);
                } else if (parts[1].equals(kind + "-end")) {
                    sections.add(new long[] {begin, Long.parseLong(parts[0]), w});
                }
            }
        }
        sections.sort(Comparator.comparingLong(s -> s[0]));
        for (int i = 1; i < sections.size(); i++) {
            long[] prev = sections.get(i - 1);
            long[] next = sections.get(i);
            assertThat(next[0]).as("%s section of worker %d began before worker %d's ended", kind, next[2], prev[2])
                    .isGreaterThan(prev[1]);
        }
        if (kind.equals("lock")) {
            assertThat(sections).hasSize(workers * ITERATIONS);
        }
    }
}

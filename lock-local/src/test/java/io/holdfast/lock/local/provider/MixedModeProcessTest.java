package io.holdfast.lock.local.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.jvm.StartSignal;
import io.holdfast.lock.testkit.jvm.TestJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first rollout step, across real processes: instances with {@code USE_NEW_LOCKS=false} and
 * instances with {@code USE_NEW_LOCKS=dual} work on one resource and one flag at once. The file
 * lock they share must give no overlap, no lost update, and tokens that increase in grant order
 * across both kinds of process (the local backend's own tokens are per process, so {@code dual}
 * leases carry the file lock's).
 */
class MixedModeProcessTest {

    private static final int ITERATIONS = 150;

    @TempDir
    Path work;

    private final List<TestJvm> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(TestJvm::close);
    }

    @Test
    void legacyAndDualProcesses_shareTheFileLock_noOverlapNoLostUpdate() throws Exception {
        Path lockDir = work.resolve("locks");
        Files.writeString(work.resolve("counter"), "0");
        List<String> modes = List.of("false", "dual", "0", "DUAL");
        for (String mode : modes) {
            processes.add(TestJvm.builder(MixedModeWorker.class)
                    .args(work.toString(), Integer.toString(ITERATIONS))
                    .env(Map.of("USE_NEW_LOCKS", mode, "LOCK_BACKEND", "local", "LOCK_DIR", lockDir.toString())).start());
        }
        StartSignal.release(processes, work.resolve("go"), Duration.ofMinutes(1));
        int charges = 0;
        TreeMap<Long, Long> tokenByTime = new TreeMap<>();
        for (int i = 0; i < processes.size(); i++) {
            List<String> output = processes.get(i).finish(Duration.ofMinutes(3));
            output.stream().filter(l -> l.startsWith("GRANT ")).map(l -> l.split(" "))
                    .forEach(g -> tokenByTime.put(Long.parseLong(g[1]), Long.parseLong(g[2])));
            assertThat(output).contains(i % 2 == 0 ? "BACKEND file" : "BACKEND dual(file+local)");
            String[] result = output.stream().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow().split(" ");
            assertThat(result[1]).as("overlapping lock sections in worker %d", i).isEqualTo("0");
            assertThat(result[2]).as("overlapping charge sections in worker %d", i).isEqualTo("0");
            charges += Integer.parseInt(result[3]);
        }
        assertThat(Files.readString(work.resolve("counter")).trim())
                .isEqualTo(Integer.toString(modes.size() * ITERATIONS));
        assertThat(charges).isPositive();
        assertThat(tokenByTime).hasSize(modes.size() * ITERATIONS);
        assertThat(new ArrayList<>(tokenByTime.values()))
                .as("tokens of false and dual processes, in grant order").isSortedAccordingTo(Long::compare)
                .doesNotHaveDuplicates();
    }
}

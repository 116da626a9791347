package io.holdfast.lock.local.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first rollout step, across real processes: instances with {@code USE_NEW_LOCKS=false} and
 * instances with {@code USE_NEW_LOCKS=dual} work on one resource and one flag at once. The file
 * lock they share must give no overlap and no lost update.
 */
class MixedModeProcessTest {

    private static final int ITERATIONS = 150;

    @TempDir
    Path work;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void legacyAndDualProcesses_shareTheFileLock_noOverlapNoLostUpdate() throws Exception {
        Path lockDir = work.resolve("locks");
        Files.writeString(work.resolve("counter"), "0");
        List<String> modes = List.of("false", "dual", "0", "DUAL");
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < modes.size(); i++) {
            Path out = work.resolve("worker-" + i + ".out");
            outputs.add(out);
            processes.add(start(Map.of("USE_NEW_LOCKS", modes.get(i), "LOCK_DIR", lockDir.toString()), out));
        }
        for (Path out : outputs) {
            await().atMost(Duration.ofMinutes(1)).until(() -> read(out).contains("READY"));
        }
        Files.createFile(work.resolve("go"));
        int charges = 0;
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("worker %d finished", i).isTrue();
            String output = read(outputs.get(i));
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains(i % 2 == 0 ? "BACKEND file" : "BACKEND dual(file+local)");
            String[] result = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow().split(" ");
            assertThat(result[1]).as("overlapping lock sections in worker %d", i).isEqualTo("0");
            assertThat(result[2]).as("overlapping charge sections in worker %d", i).isEqualTo("0");
            charges += Integer.parseInt(result[3]);
        }
        assertThat(Files.readString(work.resolve("counter")).trim())
                .isEqualTo(Integer.toString(modes.size() * ITERATIONS));
        assertThat(charges).isPositive();
    }

    private Process start(Map<String, String> env, Path output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                MixedModeWorker.class.getName(), work.toString(), Integer.toString(ITERATIONS));
        pb.environment().keySet().removeIf(k -> k.startsWith("LOCK_") || k.equals("USE_NEW_LOCKS")
                || k.equals("REDIS_URL"));
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}

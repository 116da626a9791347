package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL runs no shutdown hook: its Redis children must still go away. */
class OrphanCleanupIT {

    @Test
    void jvmKilled_takesItsRedisWithIt_viaParentDeathSignal() throws Exception {
        long redisPid = startChildAndKillIt(false);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !isAlive(redisPid));
        } finally {
            ProcessHandle.of(redisPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void jvmKilled_withoutParentDeathSignal_leftoverIsReapedFromPidFile() throws Exception {
        long redisPid = startChildAndKillIt(true);
        try {
            Thread.sleep(500);
            assertThat(isAlive(redisPid)).as("orphan survives its JVM without pdeathsig").isTrue();

            Processes.reapLeftovers();

            await().atMost(Duration.ofSeconds(10)).until(() -> !isAlive(redisPid));
        } finally {
            ProcessHandle.of(redisPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Starts {@link OrphanMain} in a new JVM, waits for its server, SIGKILLs the JVM; returns the server pid. */
    private static long startChildAndKillIt(boolean noPdeathsig) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (noPdeathsig) {
            command.add("-Dholdfast.testkit.redis.noPdeathsig=true");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OrphanMain.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("REDIS_PID ")) {
                    long pid = Long.parseLong(line.substring("REDIS_PID ".length()).trim());
                    child.destroyForcibly().waitFor();
                    return pid;
                }
                seen.append(line).append('\n');
            }
            throw new AssertionError("child JVM ended without starting Redis:\n" + seen);
        } finally {
            child.destroyForcibly();
        }
    }
}

package io.holdfast.lock.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.local.process.KillableWorker;
import io.holdfast.lock.testkit.jvm.TestJvm;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What held under SIGKILL in the review, kept covered: three processes contend while one of them
 * is killed at a random moment and replaced, again and again.
 */
class KilledProcessesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int KILLS = 8;

    @TempDir
    Path dir;

    @Test
    void holdersKilledAtRandom_neverBreakExclusion_andTokensKeepIncreasing() throws Exception {
        Path data = dir.resolve("counter.txt");
        Files.writeString(data, "0 0");
        List<String> output = runWithKills("counter", data);
        assertThat(output).noneMatch(l -> l.startsWith("VIOLATION"));
        TreeMap<Long, Long> tokenByTime = new TreeMap<>();
        output.stream().filter(l -> l.startsWith("GRANT ")).map(l -> l.split(" "))
                .forEach(g -> tokenByTime.put(Long.parseLong(g[1]), Long.parseLong(g[2])));
        List<Long> tokens = new ArrayList<>(tokenByTime.values());
        assertThat(tokens).as("grants").hasSizeGreaterThan(KILLS * 3)
                .isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
        long counter = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("locks/counter.lock"))).getLong();
        assertThat(counter).as("the lock file's counter after %d kills", KILLS)
                .isGreaterThanOrEqualTo(tokens.get(tokens.size() - 1));
        System.out.println("kill test: " + tokens.size() + " grants by " + (3 + KILLS) + " processes, "
                + KILLS + " of them SIGKILLed; tokens strictly increasing; counter " + counter);
        String[] end = Files.readString(data).trim().split(" ");
        assertThat(Long.parseLong(end[1])).as("last token written").isLessThanOrEqualTo(counter);
    }

    @Test
    void atomicUpdates_byKilledWriters_loseNoAcknowledgedLine() throws Exception {
        Path data = dir.resolve("data.csv");
        Files.writeString(data, "id,n\n");
        List<String> output = runWithKills("append", data);
        List<String> lines = Files.readAllLines(data);
        assertThat(lines.get(0)).isEqualTo("id,n");
        assertThat(lines).as("every line complete").allMatch(l -> l.matches("id,n|w\\d+,\\d+"))
                .doesNotHaveDuplicates();
        Set<String> acknowledged = new HashSet<>();
        output.stream().filter(l -> l.startsWith("ACK ")).forEach(l -> acknowledged.add(l.substring(4)));
        assertThat(acknowledged).hasSizeGreaterThan(KILLS * 3);
        assertThat(new HashSet<>(lines)).as("acknowledged lines").containsAll(acknowledged);
        System.out.println("kill test: " + acknowledged.size() + " acknowledged appends by " + (3 + KILLS)
                + " processes, " + KILLS + " of them SIGKILLed; " + (lines.size() - 1) + " lines, none lost");
    }

    /** Three workers; every 200-600ms one is SIGKILLed and replaced; returns every line printed. */
    private List<String> runWithKills(String mode, Path data) throws Exception {
        Path locks = dir.resolve("locks");
        Path stop = dir.resolve("stop");
        Random random = new Random(42);
        List<TestJvm> running = new ArrayList<>();
        List<TestJvm> all = new ArrayList<>();
        try {
            for (int id = 0; id < 3 + KILLS; id++) {
                if (running.size() == 3) {
                    TestJvm victim = running.remove(random.nextInt(3));
                    victim.process().destroyForcibly();
                    assertThat(victim.process().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
                }
                TestJvm jvm = TestJvm.start(KillableWorker.class, mode, locks.toString(), data.toString(),
                        "w" + id, stop.toString());
                jvm.awaitLine("READY", PATIENCE);
                running.add(jvm);
                all.add(jvm);
                Thread.sleep(200 + random.nextInt(400));
            }
            Files.createFile(stop);
            for (TestJvm jvm : running) {
                jvm.finish(PATIENCE);
            }
            List<String> output = new ArrayList<>();
            all.forEach(j -> output.addAll(j.output()));
            return output;
        } finally {
            all.forEach(TestJvm::close);
        }
    }
}

package io.holdfast.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Shared Redis locks across real JVM processes. */
class SharedLocksCrossProcessIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @TempDir
    Path dir;

    /**
     * Four JVMs of two threads read (shared) and write (exclusive) a two-part value that writers
     * update non-atomically: no reader sees a torn value, no two writers overlap, every grant's
     * token is its own and above the last writer's, and no write is lost.
     */
    @Test
    void readersAndWriters_inFourProcesses_neverSeeATornValue_andTokensIncrease() throws Exception {
        Path value = dir.resolve("value.txt");
        Files.writeString(value, "0 0 0");
        String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8);
        int processes = 4;
        int threads = 2;
        int ops = 100;
        List<TestJvm> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                jvms.add(TestJvm.start(ReadWriteWorkerMain.class, redis.uri(), namespace,
                        value.toString(), String.valueOf(threads), String.valueOf(ops)));
            }
            List<Long> tokens = new ArrayList<>();
            int writes = 0;
            for (TestJvm jvm : jvms) {
                List<String> out = jvm.finish(PATIENCE);
                assertThat(out).noneMatch(l -> l.startsWith("VIOLATION"));
                out.stream().filter(l -> l.startsWith("TOKENS")).findFirst().ifPresent(l ->
                        Arrays.stream(l.substring(6).trim().split(" ")).map(Long::parseLong)
                                .forEach(tokens::add));
                String[] counts = out.stream().filter(l -> l.startsWith("COUNTS")).findFirst()
                        .orElseThrow().split(" ");
                assertThat(Integer.parseInt(counts[1]) + Integer.parseInt(counts[2]))
                        .isEqualTo(threads * ops);
                writes += Integer.parseInt(counts[2]);
            }
            assertThat(tokens).hasSize(processes * threads * ops);
            assertThat(new HashSet<>(tokens)).as("every grant, shared or exclusive, has its own token")
                    .hasSize(tokens.size());
            String[] end = Files.readString(value).trim().split(" ");
            assertThat(Long.parseLong(end[0])).as("writes").isEqualTo(writes);
            assertThat(end[1]).isEqualTo(end[0]);
        } finally {
            jvms.forEach(TestJvm::close);
        }
    }
}

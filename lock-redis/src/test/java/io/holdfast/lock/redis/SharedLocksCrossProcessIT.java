package io.holdfast.lock.redis;

import io.holdfast.lock.testkit.jvm.ReadWriteRounds;
import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.file.Path;
import java.time.Duration;
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
        String namespace = "ns-" + UUID.randomUUID().toString().substring(0, 8);
        ReadWriteRounds.runAndCheck(4, 2, 100, value, PATIENCE, i -> TestJvm.start(
                ReadWriteWorkerMain.class, redis.uri(), namespace, value.toString(), "2", "100"));
    }
}

package io.holdfast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Virtual threads (Java 21+) on every backend: the library is built for Java 17, so a child JVM of
 * a newer JDK runs {@link VirtualThreadWorkers}. The JDK is {@code -Dholdfast.jdk21=<java home>},
 * else the Temurin 25 this project's machines have; the test is skipped where there is none.
 */
class VirtualThreadsIT {

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"local", "file", "redis"})
    void manyVirtualThreads_excludeEachOther_withIncreasingTokens(String backend) throws Exception {
        Path home = Path.of(System.getProperty("holdfast.jdk21", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        assumeTrue(Files.isExecutable(home.resolve("bin/java")), "no Java 21+ at " + home);
        Map<String, String> env = switch (backend) {
            case "local" -> Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local");
            case "file" -> Map.of("LOCK_DIR", dir.toString());
            default -> Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri());
        };
        try (TestJvm child = TestJvm.builder(VirtualThreadWorkers.class).javaHome(home).args("200", "10")
                .env(env).start()) {
            assertThat(child.finish(Duration.ofMinutes(2))).contains("OK 2000");
        }
    }
}

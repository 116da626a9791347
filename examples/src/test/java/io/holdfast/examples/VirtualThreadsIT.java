package io.holdfast.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.holdfast.lock.testkit.redis.RedisExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        Path java = Path.of(System.getProperty("holdfast.jdk21", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
        assumeTrue(Files.isExecutable(java), "no Java 21+ at " + java);
        Map<String, String> env = switch (backend) {
            case "local" -> Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local");
            case "file" -> Map.of("LOCK_DIR", dir.toString());
            default -> Map.of("USE_NEW_LOCKS", "true", "REDIS_URL", redis.uri());
        };
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-cp",
                System.getProperty("java.class.path"), VirtualThreadWorkers.class.getName(), "200", "10"))
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("OK 2000");
        assertThat(p.exitValue()).isZero();
    }
}

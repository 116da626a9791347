package io.holdfast.lock.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.testkit.jvm.TestJvm;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without redis-server on the PATH, every class using {@link RedisExtension} fails with a message
 * that says what to install, and mentions Docker only when Testcontainers could use it.
 */
class NoRedisIT {

    @TempDir
    Path emptyPath;

    private List<String> failures(String classPath) throws InterruptedException {
        try (TestJvm jvm = TestJvm.builder(NoRedisMain.class).classPath(classPath)
                .env(Map.of("PATH", emptyPath.toString())).start()) {
            List<String> output = jvm.finish(Duration.ofMinutes(2));
            assertThat(output).contains("DONE 2");
            return output.stream().filter(l -> l.startsWith("FAILURE ")).toList();
        }
    }

    @Test
    void withoutRedisAndWithoutTestcontainers_everyClassSaysWhatToInstall_withoutDocker() throws Exception {
        String withoutTestcontainers = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("testcontainers"))
                .collect(Collectors.joining(File.pathSeparator));

        List<String> failures = failures(withoutTestcontainers);

        // regression: the first class failed with ExceptionInInitializerError and suggested starting Docker,
        // later classes with NoClassDefFoundError: Could not initialize class ...Launcher$Holder
        assertThat(failures).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains(" java.lang.IllegalStateException: holdfast's lock-testkit starts Redis for tests from"
                        + " the local redis-server and redis-cli binaries, but redis-server and redis-cli are not on"
                        + " the PATH (" + emptyPath + "): install them (Debian/Ubuntu: 'apt-get install redis-server';")
                .contains("(With org.testcontainers:testcontainers on the test class path and a Docker engine")
                .doesNotContain("start a Docker engine")
                .doesNotContain("NoClassDefFoundError"));
    }

    @Test
    void withoutRedis_withTestcontainersButNoDocker_suggestsStartingDocker() throws Exception {
        if (Redis.isDockerAvailable()) {
            return; // this machine has Docker: the kit would run Redis in containers
        }
        assertThat(failures(System.getProperty("java.class.path"))).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains(" java.lang.IllegalStateException: holdfast's lock-testkit starts Redis for tests")
                .endsWith("; or start a Docker engine (Testcontainers is on the class path, but finds no Docker)"));
    }
}

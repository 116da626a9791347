package io.holdfast.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.spi.LockBackendProvider;
import io.holdfast.lock.testkit.jvm.TestJvm;
import io.holdfast.lock.testkit.redis.RedisExtension;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fat jar built by maven-shade-plugin without {@code ServicesResourceTransformer} keeps one
 * module's service file; {@code USE_NEW_LOCKS=dual} must still find both backends (issue 12: it
 * failed with "lock backend 'redis' is not on the class path").
 */
class ShadedJarIT {

    private static final String SERVICES = "META-INF/services/" + LockBackendProvider.class.getName();

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @TempDir
    Path dir;

    private final Path jar = Path.of(System.getProperty("holdfast.fatJar", "target/fat-without-merged-services.jar"));

    @Test
    void theJar_hasEveryBackendClass_butListsOnlyLockLocalsProviders() throws Exception {
        try (JarFile fat = new JarFile(jar.toFile())) {
            String listed;
            try (InputStream in = fat.getInputStream(fat.getEntry(SERVICES))) {
                listed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(listed).contains("FileBackendProvider").doesNotContain("RedisBackendProvider");
            assertThat(fat.getEntry("io/holdfast/lock/redis/provider/RedisBackendProvider.class")).isNotNull();
        }
    }

    @Test
    void dual_findsTheRedisBackendMissingFromTheServiceFile() throws Exception {
        Path locks = dir.resolve("locks");
        try (TestJvm app = TestJvm.builder(FatJarMain.class).classPath(jar.toString())
                .env(Map.of("USE_NEW_LOCKS", "dual", "REDIS_URL", redis.uri(), "LOCK_DIR", locks.toString()))
                .start()) {
            List<String> output = app.finish(Duration.ofMinutes(2));
            assertThat(output).contains("BACKEND dual(file+redis)", "FLAG true").anyMatch(l -> l.startsWith("TOKEN "));
            assertThat(output).anyMatch(l -> l.contains("lock backend 'redis' found by class name"));
        }
        // both stores were used: the Redis fence counter and the host-wide lock file
        assertThat(redis.primary().cli("EXISTS", "holdfast:{fat-jar}:fence")).isEqualTo("1");
        assertThat(redis.primary().cli("EXISTS", "holdfast:flag:{fat-jar-flag}")).isEqualTo("1");
        try (var files = Files.list(locks)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("fat-jar.lock");
        }
    }
}

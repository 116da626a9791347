package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.LockService;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees in the log at start-up (SLF4J goes to java.util.logging here). */
class LockServiceLogTest {

    @RegisterExtension
    final LogCapture log = new LogCapture(LockService.class);

    @TempDir
    Path dir;

    @Test
    void startUp_logsTheChoiceOnceAtInfo_withoutPasswords() {
        Map<String, String> env = Map.of("LOCK_DIR", dir.toString(), "REMOTE_URL", "tcp://app:Sup3rS3cret@h:6379");
        try (LockService s = LockService.fromEnvironment(env)) {
            assertThat(log.messages(Level.INFO)).containsExactly("holdfast locks: " + EnvSettings.parse(env).summary());
            assertThat(log.messages(Level.INFO).get(0)).doesNotContain("Sup3rS3cret");
            // the only warning: the lock directory is a temp directory
            assertThat(log.messages(Level.WARNING)).isEqualTo(EnvSettings.parse(env).warnings()).hasSize(1)
                    .allSatisfy(w -> assertThat(w).startsWith("LOCK_DIR=" + dir + " is under the temp directory"));
        }
    }

    @Test
    void lockDirUnderTheTempDir_warnsOnce_thatOtherServicesMayNotShareIt() {
        try (LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "dual",
                "LOCK_BACKEND", "local", "LOCK_DIR", dir.toString()))) {
            assertThat(log.messages(Level.WARNING)).singleElement().asString()
                    .startsWith("LOCK_DIR=" + dir + " is under the temp directory")
                    .contains("do not share these locks");
        }
    }

    @Test
    void explicitLocal_withAnUnusedLockDir_doesNotWarn() {
        try (LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "true",
                "LOCK_BACKEND", "local", "LOCK_DIR", dir.toString()))) {
            assertThat(log.messages(Level.WARNING)).isEmpty();
            assertThat(log.messages(Level.INFO)).singleElement().asString().contains("in-process");
        }
    }

    @Test
    void failedStartUp_logsNoChoice() {
        try {
            LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "redis"));
        } catch (IllegalArgumentException expected) {
            // lock-redis is not on lock-api's test class path
        }
        assertThat(log.records()).isEmpty();
    }
}

package io.holdfast.lock.internal.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.LockService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees in the log at start-up (System.Logger goes to java.util.logging here). */
class LockServiceLogTest {

    private final Logger jul = Logger.getLogger(LockService.class.getName());
    private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        jul.addHandler(capture);
    }

    @AfterEach
    void release() {
        jul.removeHandler(capture);
    }

    private List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }

    @Test
    void startUp_logsTheChoiceOnceAtInfo_withoutPasswords() {
        try (LockService s = LockService.fromEnvironment(Map.of("LOCK_DIR", dir.toString(),
                "REDIS_URL", "redis://app:Sup3rS3cret@h:6379"))) {
            assertThat(messages(Level.INFO)).containsExactly("holdfast locks: " + EnvSettings.parse(
                    Map.of("LOCK_DIR", dir.toString(), "REDIS_URL", "redis://app:Sup3rS3cret@h:6379")).summary());
            assertThat(messages(Level.INFO).get(0)).doesNotContain("Sup3rS3cret");
            assertThat(messages(Level.WARNING)).isEmpty();
        }
    }

    @Test
    void localByDefault_warnsOnce_thatProcessesAreNotCoordinated() {
        try (LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "true"))) {
            assertThat(messages(Level.WARNING)).singleElement().asString()
                    .contains("LOCK_BACKEND defaults to local because REDIS_URL is not set")
                    .contains("do not coordinate processes");
        }
    }

    @Test
    void explicitLocal_doesNotWarn() {
        try (LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local"))) {
            assertThat(messages(Level.WARNING)).isEmpty();
            assertThat(messages(Level.INFO)).singleElement().asString().contains("in-process");
        }
    }

    @Test
    void failedStartUp_logsNoChoice() {
        try {
            LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "redis",
                    "REDIS_URL", "redis://h"));
        } catch (IllegalStateException expected) {
            // lock-redis is not on lock-api's test class path
        }
        assertThat(records).isEmpty();
    }
}

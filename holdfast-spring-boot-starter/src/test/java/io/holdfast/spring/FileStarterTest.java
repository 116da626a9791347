package io.holdfast.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.LockService;
import io.holdfast.lock.StatusManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter on host-wide file locks (the default), with a scheduled @ExclusiveTask. The context
 * is closed after the class, so its scheduler stops writing lock files before the temporary
 * directory is deleted.
 */
@DirtiesContext
@SpringBootTest(classes = FileStarterTest.App.class, properties = {
        "management.endpoints.web.exposure.include=health,holdfast"})
class FileStarterTest {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void lockDir(DynamicPropertyRegistry registry) {
        registry.add("LOCK_DIR", () -> dir.resolve("locks").toString()); // the variable, not a property
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableScheduling
    static class App {
        @Bean
        Poller poller() {
            return new Poller();
        }
    }

    /** Ticks every 50 ms; the 400 ms minimum hold lets one in eight run. */
    static class Poller {
        static final List<Long> STARTS = new CopyOnWriteArrayList<>();

        @Scheduled(fixedRate = 50)
        @ExclusiveTask(name = "file-tick", minHold = "400ms")
        public void tick() {
            STARTS.add(System.nanoTime());
        }
    }

    @Autowired
    LockService service;
    @Autowired
    StatusManager status;
    @Autowired
    HoldfastHealthIndicator health;
    @Autowired
    HoldfastEndpoint endpoint;

    @Test
    void fileLocks_fromTheVariable_scheduledTaskRunsOncePerMinimumHold() {
        assertThat(service.backend()).isEqualTo("file");
        assertThat(service.toString()).contains(dir.resolve("locks").toString());

        await().atMost(Duration.ofSeconds(20)).until(() -> Poller.STARTS.size() >= 3);
        List<Long> starts = List.copyOf(Poller.STARTS);
        for (int i = 1; i < starts.size(); i++) {
            assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1))).isGreaterThanOrEqualTo(Duration.ofMillis(350));
        }

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails()).containsEntry("backend", "file").containsEntry("mode", "false");
        HoldfastEndpoint.Report report = endpoint.report();
        assertThat(report.tasks()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("file-tick");
            assertThat(t.minHold()).isEqualTo("PT0.4S");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> status.isSet("file-tick:min-hold"));
    }
}

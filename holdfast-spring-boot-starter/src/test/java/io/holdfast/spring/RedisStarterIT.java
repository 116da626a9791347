package io.holdfast.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.holdfast.lock.redis.RedisLockManager;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.RedisOptions;
import io.holdfast.lock.redis.WaitStrategy;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.holdfast.lock.ExclusiveTasks;
import io.holdfast.lock.Lease;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.testkit.redis.RedisExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The starter against a real Redis: beans, @ExclusiveTask, renewal, lost leases, health and endpoint. */
@SpringBootTest(classes = RedisStarterIT.App.class, properties = {
        "holdfast.use-new-locks=true", "holdfast.lease=1s",
        "management.endpoints.web.exposure.include=health,holdfast"})
class RedisStarterIT {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @RegisterExtension
    static RedisExtension redis = RedisExtension.standalone();

    @DynamicPropertySource
    static void redisUrl(DynamicPropertyRegistry registry) {
        registry.add("holdfast.redis.url", redis::uri);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Jobs jobs() {
            return new Jobs();
        }
    }

    /** Annotated methods the tests call; state is static because the bean is a class proxy. */
    static class Jobs {
        static volatile CountDownLatch started = new CountDownLatch(1);
        static volatile CountDownLatch release = new CountDownLatch(1);
        static final AtomicLong token = new AtomicLong();
        static final AtomicBoolean interrupted = new AtomicBoolean();

        @ExclusiveTask(name = "blocking")
        public String blocking() throws InterruptedException {
            token.set(ExclusiveTasks.currentLease().orElseThrow().fencingToken());
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return "done";
        }

        @ExclusiveTask(name = "long-task")
        public String longTask() throws InterruptedException {
            Thread.sleep(3_000); // three leases
            ExclusiveTasks.currentLease().orElseThrow().ensureHeld();
            return "completed";
        }

        @ExclusiveTask(name = "${test.quick-name:quick}", minHold = "${test.quick-hold:2s}")
        public String quick() {
            return "ran";
        }

        static void reset() {
            started = new CountDownLatch(1);
            release = new CountDownLatch(1);
            interrupted.set(false);
        }
    }

    @Autowired
    LockService service;
    @Autowired
    Jobs jobs;
    @Autowired
    MeterRegistry registry;
    @Autowired
    HoldfastHealthIndicator health;
    @Autowired
    HoldfastEndpoint endpoint;

    private CompletableFuture<String> blockingOnAnotherThread() throws InterruptedException {
        Jobs.reset();
        CompletableFuture<String> run = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                run.complete(jobs.blocking());
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        }, "blocking-job");
        t.start();
        assertThat(Jobs.started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return run;
    }

    private double runs(String task, String result) {
        var c = registry.find("holdfast.task.runs").tag("task", task).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void theApplicationsClientResources_andRedisOptionBeans_areUsed_andTheResourcesStayTheApplications() {
        ClientResources resources = DefaultClientResources.create();
        try {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(HoldfastAutoConfiguration.class))
                    .withPropertyValues("holdfast.use-new-locks=true", "holdfast.redis.url=" + redis.uri())
                    .withBean(ClientResources.class, () -> resources)
                    .withBean(RedisOptions.class, () -> RedisOptions.customize(b -> b.waitStrategy(WaitStrategy.POLL)))
                    .run(c -> {
                        RedisLockSettings settings = ((RedisLockManager) c.getBean(LockService.class).locks()).settings();
                        assertThat(settings.clientResources()).containsSame(resources);
                        assertThat(settings.waitStrategy()).isEqualTo(WaitStrategy.POLL);
                        try (Lease lease = c.getBean(LockManager.class).acquire("shared-resources", PATIENCE)) {
                            assertThat(lease.isHeld()).isTrue();
                        }
                    });
            // the context closed its LockService; the application's event loops still run
            assertThat(resources.eventExecutorGroup().isShuttingDown()).isFalse();
        } finally {
            resources.shutdown();
        }
    }

    @Test
    void redisBackend_isConfigured_andHealthy() {
        assertThat(service.backend()).isEqualTo("redis");
        assertThat(service.toString()).contains("LOCK_LEASE=1s");
        Health h = health.health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("backend", "redis").containsEntry("mode", "true")
                .containsEntry("startupChecks", "passed");
    }

    @Test
    void exclusiveTask_skipsWhileItRuns_andTheEndpointShowsTheHold() throws Exception {
        CompletableFuture<String> first = blockingOnAnotherThread();

        assertThat(jobs.blocking()).as("skipped: returns null at once").isNull();
        HoldfastEndpoint.Report report = endpoint.report();
        assertThat(report.backend()).isEqualTo("redis");
        assertThat(report.heldLocks()).filteredOn(l -> l.resource().equals("blocking")).singleElement()
                .satisfies(l -> {
                    assertThat(l.fencingToken()).isEqualTo(Jobs.token.get());
                    assertThat(l.leaseLeftMillis()).isPositive().isLessThanOrEqualTo(1000L);
                });
        assertThat(report.tasks()).extracting(HoldfastEndpoint.Task::name).contains("blocking", "long-task", "quick");
        assertThat(report.settings()).doesNotContain("password");

        Jobs.release.countDown();
        assertThat(first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(runs("blocking", "skipped_held")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aTaskOfThreeLeases_completes_becauseTheLeaseIsRenewed() throws Exception {
        assertThat(jobs.longTask()).isEqualTo("completed");
        assertThat(runs("long-task", "ran")).isEqualTo(1);
    }

    @Test
    void minHold_fromAPlaceholder_keepsTheNextRunOut() {
        assertThat(jobs.quick()).isEqualTo("ran");
        assertThat(jobs.quick()).as("within the 2 s minimum hold").isNull();
        assertThat(endpoint.report().flags()).extracting(HoldfastEndpoint.Flag::name).contains("quick:min-hold");
    }

    @Test
    void lostLease_interruptsTheMethod_isCounted_andShownByHealth() throws Exception {
        CompletableFuture<String> run = blockingOnAnotherThread();

        redis.primary().cli("DEL", "holdfast:{blocking}:lock");

        assertThat(run).failsWithin(PATIENCE).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(InterruptedException.class);
        assertThat(Jobs.interrupted).isTrue();
        assertThat(runs("blocking", "lost")).isEqualTo(1);
        Map<String, Object> details = health.health().getDetails();
        assertThat(details.get("lostTaskRuns")).isEqualTo(Map.of("blocking", 1L));
        assertThat((Long) details.get("lostLeases")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void health_goesDown_whenRedisStops_andUp_whenItReturns() {
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        redis.primary().kill();
        try {
            await().atMost(PATIENCE).until(() -> health.health().getStatus().equals(Status.DOWN));
            assertThat(health.health().getDetails().get("error").toString()).contains("127.0.0.1");
        } finally {
            redis.primary().restart();
        }
        await().atMost(PATIENCE).until(() -> health.health().getStatus().equals(Status.UP));
    }
}

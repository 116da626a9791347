package io.holdfast.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.lock.ExclusiveTasks;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.local.LocalLockManager;
import io.holdfast.lock.local.LocalStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The auto-configuration's beans, binding, precedence and start-up failures, on file and local locks. */
class HoldfastAutoConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HoldfastAutoConfiguration.class))
                .withPropertyValues("holdfast.lock-dir=" + dir.resolve("locks"));
    }

    /** Adds OS-style variables the way the real environment does (a SystemEnvironmentPropertySource). */
    private static ApplicationContextRunner withVariables(ApplicationContextRunner r, Map<String, Object> vars) {
        return r.withInitializer(c -> c.getEnvironment().getPropertySources()
                .addLast(new SystemEnvironmentPropertySource("test-variables", vars)));
    }

    @Test
    void defaults_giveFileLocks_andEveryBean() {
        runner().run(c -> {
            assertThat(c).hasSingleBean(LockService.class).hasSingleBean(LockManager.class)
                    .hasSingleBean(StatusManager.class).hasSingleBean(ExclusiveTasks.class)
                    .hasSingleBean(ExclusiveTaskPostProcessor.class);
            LockService service = c.getBean(LockService.class);
            assertThat(service.backend()).isEqualTo("file");
            assertThat(service.mode()).isEqualTo("false");
            assertThat(c.getBean(LockManager.class)).isSameAs(service.locks());
            assertThat(c.getBean(StatusManager.class)).isSameAs(service.status());
            assertThat(service.toString()).contains(dir.resolve("locks").toString());
        });
    }

    @Test
    void properties_bindWithRelaxedNames() {
        runner().withPropertyValues("holdfast.useNewLocks=TRUE", "holdfast.backend=local").run(c -> {
            assertThat(c.getBean(LockService.class).backend()).isEqualTo("local");
            assertThat(c.getBean(LockService.class).mode()).isEqualTo("true");
        });
    }

    @Test
    void environmentVariables_keepWorking_whenNoPropertyIsSet() {
        withVariables(new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HoldfastAutoConfiguration.class)),
                Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local")).run(c ->
                assertThat(c.getBean(LockService.class).backend()).isEqualTo("local"));
    }

    @Test
    void aSetProperty_winsOverItsVariable_andOthersStillApply() {
        Path fromVariable = dir.resolve("from-variable");
        withVariables(runner().withPropertyValues("holdfast.use-new-locks=false"),
                Map.of("USE_NEW_LOCKS", "true", "LOCK_BACKEND", "local", "LOCK_DIR", fromVariable.toString()))
                .run(c -> {
                    LockService service = c.getBean(LockService.class);
                    assertThat(service.mode()).as("holdfast.use-new-locks wins").isEqualTo("false");
                    assertThat(service.toString()).as("holdfast.lock-dir wins")
                            .contains(dir.resolve("locks").toString()).doesNotContain("from-variable");
                });
        // HOLDFAST_* variables are holdfast.* properties (relaxed binding): they win too
        withVariables(new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HoldfastAutoConfiguration.class)),
                Map.of("LOCK_DIR", fromVariable.toString(), "HOLDFAST_LOCK_DIR", dir.resolve("h").toString()))
                .run(c -> assertThat(c.getBean(LockService.class).toString()).contains(dir.resolve("h").toString()));
    }

    @Test
    void badPropertyValue_failsStartUp_namingTheProperty() {
        runner().withPropertyValues("holdfast.use-new-locks=maybe").run(c -> {
            assertThat(c).hasFailed();
            assertThat(c.getStartupFailure()).rootCause().hasMessageContaining("holdfast.use-new-locks (USE_NEW_LOCKS)")
                    .hasMessageContaining("maybe");
        });
        runner().withPropertyValues("holdfast.use-new-locks=true", "holdfast.backend=redis",
                "holdfast.redis.url=redis://127.0.0.1:1", "holdfast.lease=5ms").run(c -> {
            assertThat(c).hasFailed();
            assertThat(c.getStartupFailure()).rootCause().hasMessageContaining("holdfast.lease (LOCK_LEASE)");
        });
        runner().withPropertyValues("holdfast.lease=soon").run(c -> {
            assertThat(c).hasFailed();
            assertThat(c.getStartupFailure()).hasStackTraceContaining("holdfast.lease");
        });
    }

    @Test
    void badVariableValue_failsStartUp_namingTheVariable() {
        withVariables(runner(), Map.of("LOCK_REPLICA_ACKS", "-3")).run(c -> {
            assertThat(c).hasFailed();
            assertThat(c.getStartupFailure()).rootCause().hasMessageContaining("LOCK_REPLICA_ACKS")
                    .message().doesNotContain("holdfast.replica-acks");
        });
    }

    @Test
    void passwords_neverAppear_inStartUpFailures() {
        runner().withPropertyValues("holdfast.use-new-locks=true",
                "holdfast.redis.url=redis://:s3cr3t-pw@127.0.0.1:1", "holdfast.lease=1s").run(c -> {
            assertThat(c).hasFailed();
            assertThat(c.getStartupFailure()).hasStackTraceContaining("127.0.0.1")
                    .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("s3cr3t-pw"));
        });
    }

    @Test
    void userBeans_win() {
        runner().withUserConfiguration(UserManagers.class).run(c -> {
            assertThat(c.getBean(LockManager.class)).isSameAs(c.getBean(UserManagers.class).locks);
            assertThat(c.getBean(StatusManager.class)).isSameAs(c.getBean(UserManagers.class).status);
            assertThat(c.getBean(ExclusiveTasks.class).toString()).contains("local");
        });
    }

    @Test
    void applicationMeterRegistry_receivesTheMetrics() {
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(c -> {
            c.getBean(ExclusiveTasks.class).run("metered", lease -> { });
            MeterRegistry registry = c.getBean(MeterRegistry.class);
            assertThat(registry.find("holdfast.backend.info").gauge()).isNotNull();
            assertThat(registry.find("holdfast.task.runs").tag("task", "metered").counter().count()).isEqualTo(1);
        });
    }

    @Test
    void disabled_configuresNothing() {
        runner().withPropertyValues("holdfast.enabled=false").run(c ->
                assertThat(c).doesNotHaveBean(LockService.class).doesNotHaveBean(ExclusiveTasks.class));
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @Configuration(proxyBeanMethods = false)
    static class UserManagers {
        final LockManager locks = LocalLockManager.create();
        final StatusManager status = LocalStatusManager.create();

        @Bean
        LockManager myLocks() {
            return locks;
        }

        @Bean
        StatusManager myStatus() {
            return status;
        }
    }
}

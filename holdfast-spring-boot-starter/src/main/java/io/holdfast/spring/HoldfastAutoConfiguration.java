package io.holdfast.spring;

import io.holdfast.lock.ExclusiveTasks;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.redis.RedisOptions;
import io.holdfast.lock.spi.BackendOption;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * holdfast for Spring Boot: a {@link LockService} from {@code holdfast.*} properties and the
 * holdfast environment variables ({@link EnvironmentMapping} has the precedence rule), its
 * {@link LockManager} and {@link StatusManager}, an {@link ExclusiveTasks} runner and the
 * {@link ExclusiveTask @ExclusiveTask} method interceptor. Every bean backs off when the
 * application defines one of the same type. Metrics go to the application's
 * {@link MeterRegistry}, if it has one; a Redis backend uses the application's Lettuce
 * {@link ClientResources} when it has them, and every {@link BackendOption} bean (such as
 * {@link RedisOptions}) applies after the properties. {@code holdfast.enabled=false} turns it all
 * off.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnProperty(prefix = "holdfast", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(HoldfastProperties.class)
public class HoldfastAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HoldfastAutoConfiguration.class);

    /**
     * The lock service, closed with the context.
     *
     * @throws IllegalArgumentException naming the property or variable whose value is invalid
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public LockService holdfastLockService(HoldfastProperties properties, Environment environment,
            ObjectProvider<MeterRegistry> registry, ObjectProvider<ClientResources> clientResources,
            ObjectProvider<BackendOption> options) {
        EnvironmentMapping mapping = EnvironmentMapping.resolve(properties, environment);
        if (!mapping.overrides().isEmpty()) {
            LOG.info("holdfast: properties override environment variables: {}", mapping.overrides());
        }
        LockService.Builder builder = LockService.builder().fromEnvironment(mapping.variables())
                .meterRegistry(registry.getIfAvailable());
        // the application's Lettuce event loops and timers (Spring Data Redis defines them), so a
        // service runs one set; the application keeps ownership and shuts them down
        clientResources.ifAvailable(resources ->
                builder.option(RedisOptions.customize(b -> b.clientResources(resources))));
        options.orderedStream().forEach(builder::option); // the application's own, last
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // the renamed message replaces the original (same text, variable names only) as root cause
            IllegalArgumentException renamed = new IllegalArgumentException(mapping.rename(e.getMessage()), e.getCause());
            renamed.setStackTrace(e.getStackTrace());
            throw renamed;
        }
    }

    /** The service's lock manager (the service closes it). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public LockManager holdfastLockManager(LockService service) {
        return service.locks();
    }

    /** The service's status manager (the service closes it). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public StatusManager holdfastStatusManager(LockService service) {
        return service.status();
    }

    /** The runner of exclusive tasks, on the lock and status manager beans. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ExclusiveTasks holdfastExclusiveTasks(LockManager locks, StatusManager status,
            ObjectProvider<MeterRegistry> registry) {
        return ExclusiveTasks.builder(locks).status(status).meterRegistry(registry.getIfAvailable()).build();
    }

    /** Runs {@link ExclusiveTask @ExclusiveTask} methods through the runner. */
    @Bean
    @ConditionalOnMissingBean
    public static ExclusiveTaskPostProcessor holdfastExclusiveTaskPostProcessor() {
        return new ExclusiveTaskPostProcessor();
    }
}

package io.holdfast.spring;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.StatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code holdfast} health indicator and actuator endpoint, when the actuator is on the class
 * path and holdfast's managers exist. Both back off for beans the application defines.
 */
@AutoConfiguration(after = HoldfastAutoConfiguration.class)
@ConditionalOnBean({LockManager.class, StatusManager.class})
public class HoldfastActuatorAutoConfiguration {

    /** The health indicator (Spring Boot 4's health API). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("holdfast")
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "holdfastHealthIndicator")
        HoldfastHealthIndicator holdfastHealthIndicator(LockManager locks, StatusManager status,
                ObjectProvider<LockService> service, ObjectProvider<MeterRegistry> registry) {
            return new HoldfastHealthIndicator(locks, status, service.getIfUnique(), registry.getIfAvailable());
        }
    }

    /** The read-only endpoint. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    @ConditionalOnAvailableEndpoint(HoldfastEndpoint.class)
    static class Endpoint {

        @Bean
        @ConditionalOnMissingBean
        HoldfastEndpoint holdfastEndpoint(LockManager locks, StatusManager status,
                ObjectProvider<LockService> service, ObjectProvider<ExclusiveTaskPostProcessor> tasks) {
            return new HoldfastEndpoint(locks, status, service.getIfUnique(), tasks.getIfUnique());
        }
    }
}

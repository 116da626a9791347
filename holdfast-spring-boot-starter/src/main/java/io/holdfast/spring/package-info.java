/**
 * holdfast for Spring Boot 4: auto-configured {@code LockService}, {@code LockManager},
 * {@code StatusManager} and {@code ExclusiveTasks} beans ({@link io.holdfast.spring.HoldfastProperties}),
 * {@link io.holdfast.spring.ExclusiveTask @ExclusiveTask} methods, and the {@code holdfast} health
 * indicator and actuator endpoint.
 */
package io.holdfast.spring;

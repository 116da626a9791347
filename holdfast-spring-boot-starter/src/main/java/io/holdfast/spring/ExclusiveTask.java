package io.holdfast.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method through {@link io.holdfast.lock.ExclusiveTasks}: on one instance at a
 * time, skipped at once (returning {@code null}) while another instance or thread runs it or ran
 * it within {@link #minHold()}. Meant for {@code @Scheduled} methods, works on any bean method
 * returning {@code void} or an object. The lease is renewed while the method runs, so no upper
 * bound needs guessing; the method's thread is interrupted if the lease is lost or
 * {@link #maxDuration()} passes. The method reads its fencing token with
 * {@link io.holdfast.lock.ExclusiveTasks#currentLease()}. An exception the method throws is
 * rethrown. Attributes accept {@code ${...}} placeholders; invalid values stop start-up.
 *
 * <pre>{@code
 * @Scheduled(fixedRate = 60_000)
 * @ExclusiveTask(name = "nightly-export", minHold = "30s")
 * void export() { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ExclusiveTask {

    /** The task name, which is also its lock's name; default {@code SimpleClassName.method}. */
    String name() default "";

    /**
     * How long after a run's start no instance starts another ({@code 30s}, {@code 500ms},
     * {@code PT1M}); empty for none. Like ShedLock's {@code lockAtLeastFor}.
     */
    String minHold() default "";

    /** How long a run may take before its thread is interrupted; empty for no limit. */
    String maxDuration() default "";
}

package io.holdfast.spring;

import io.holdfast.lock.ExclusiveTasks;
import io.holdfast.lock.TaskResult;
import io.holdfast.lock.TaskSettings;
import io.holdfast.lock.internal.Durations;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Runs one {@link ExclusiveTask @ExclusiveTask} call through the {@link ExclusiveTasks} bean. */
final class ExclusiveTaskInterceptor implements MethodInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ExclusiveTaskInterceptor.class);

    private final BeanFactory beanFactory;
    private final Map<Method, TaskSettings> settings = new ConcurrentHashMap<>();
    /** Looked up on first use: a post-processor must not create the lock service early. */
    private volatile ExclusiveTasks tasks;

    ExclusiveTaskInterceptor(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Class<?> target = invocation.getThis() == null ? invocation.getMethod().getDeclaringClass()
                : AopUtils.getTargetClass(invocation.getThis());
        TaskSettings task = settings(AopUtils.getMostSpecificMethod(invocation.getMethod(), target));
        Object[] value = new Object[1];
        TaskResult result = tasks().run(task, lease -> {
            try {
                value[0] = invocation.proceed();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new UndeclaredThrowableException(t);
            }
        });
        if (result.failure().isPresent()) {
            throw result.failure().get();
        }
        if (result.outcome() == TaskResult.Outcome.SKIPPED_HELD) {
            LOG.debug("@ExclusiveTask '{}' skipped: {}", task.name(), result.detail());
        }
        return value[0];
    }

    private ExclusiveTasks tasks() {
        ExclusiveTasks t = tasks;
        if (t == null) {
            t = beanFactory.getBean(ExclusiveTasks.class);
            tasks = t;
        }
        return t;
    }

    /**
     * The settings of an annotated method, parsed once.
     *
     * @throws IllegalStateException naming the method and the attribute if a value is invalid
     */
    TaskSettings settings(Method method) {
        return settings.computeIfAbsent(method, this::parse);
    }

    private TaskSettings parse(Method method) {
        ExclusiveTask a = AnnotatedElementUtils.findMergedAnnotation(method, ExclusiveTask.class);
        String where = "@ExclusiveTask on " + method.getDeclaringClass().getName() + "." + method.getName();
        if (a == null) {
            throw new IllegalStateException(where + ": annotation not found");
        }
        if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
            throw new IllegalStateException(where + ": the method returns " + method.getReturnType()
                    + ", but a skipped run returns null; return void or an object");
        }
        try {
            String name = resolve(a.name());
            TaskSettings.Builder b = TaskSettings.builder(name.isEmpty()
                    ? method.getDeclaringClass().getSimpleName() + "." + method.getName() : name);
            Duration minHold = duration("minHold", a.minHold());
            if (minHold != null) {
                b.minHold(minHold);
            }
            Duration maxDuration = duration("maxDuration", a.maxDuration());
            if (maxDuration != null) {
                b.maxDuration(maxDuration);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ": " + e.getMessage(), e);
        }
    }

    private Duration duration(String attribute, String text) {
        String resolved = resolve(text);
        return resolved.isEmpty() ? null : Durations.parse(attribute, resolved);
    }

    private String resolve(String text) {
        String resolved = beanFactory instanceof ConfigurableBeanFactory c ? c.resolveEmbeddedValue(text) : text;
        return resolved == null ? "" : resolved.trim();
    }
}

package io.holdfast.spring;

import io.holdfast.lock.TaskSettings;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Proxies beans that have {@link ExclusiveTask @ExclusiveTask} methods so that each call runs
 * through {@link io.holdfast.lock.ExclusiveTasks}, the way {@code @Async} is applied: no AspectJ
 * needed. Checks every annotated method when its bean is created, so a bad name or duration
 * stops start-up, and remembers the tasks for the {@code holdfast} actuator endpoint.
 */
public class ExclusiveTaskPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    private static final long serialVersionUID = 1L;

    private transient ExclusiveTaskInterceptor interceptor;
    /** Task name → settings, for the endpoint; guarded by itself. */
    private final Map<String, TaskSettings> tasks = new TreeMap<>();

    /** Applies the advice before other advisors, so the whole call is one exclusive run. */
    public ExclusiveTaskPostProcessor() {
        setBeforeExistingAdvisors(true);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        interceptor = new ExclusiveTaskInterceptor(beanFactory);
        this.advisor = new DefaultPointcutAdvisor(
                new AnnotationMatchingPointcut(null, ExclusiveTask.class, true), interceptor);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = ClassUtils.getUserClass(bean);
        Map<Method, ExclusiveTask> annotated = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<ExclusiveTask>) m ->
                        AnnotatedElementUtils.findMergedAnnotation(m, ExclusiveTask.class));
        annotated.forEach((method, annotation) -> {
            TaskSettings settings = interceptor.settings(method);
            synchronized (tasks) {
                tasks.put(settings.name(), settings);
            }
        });
        return super.postProcessAfterInitialization(bean, beanName);
    }

    /** The tasks found on beans so far, by name. */
    public Map<String, TaskSettings> tasks() {
        synchronized (tasks) {
            return Collections.unmodifiableMap(new TreeMap<>(tasks));
        }
    }
}

package io.holdfast.lock.redis.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose tasks run only when a test runs them: it records what was scheduled and with
 * which delay, so a test of a schedule never waits for time to pass. Returns no futures (the
 * code under test ignores them).
 */
final class ManualScheduler extends ScheduledThreadPoolExecutor {

    /** One scheduled task and its delay (or period) in nanoseconds. */
    record Task(Runnable task, long delayNanos) {}

    private final List<Task> periodic = new ArrayList<>();
    private final List<Task> once = new ArrayList<>();

    ManualScheduler() {
        super(1);
    }

    @Override
    public synchronized ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, long initialDelay,
            long delay, TimeUnit unit) {
        periodic.add(new Task(task, unit.toNanos(delay)));
        return null;
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        if (isShutdown()) {
            throw new RejectedExecutionException("shut down");
        }
        once.add(new Task(task, unit.toNanos(delay)));
        return null;
    }

    /** The periodic tasks, in the order they were scheduled. */
    synchronized List<Task> periodic() {
        return List.copyOf(periodic);
    }

    /** The one-shot tasks scheduled since the last call, removed from the scheduler. */
    synchronized List<Task> takeOnce() {
        List<Task> taken = List.copyOf(once);
        once.clear();
        return taken;
    }
}

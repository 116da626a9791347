package io.holdfast.lock.testkit.conformance;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A thread that makes one blocking call, so tests can see it wait (by its thread state, never
 * by sleeping) and then collect its result. Package-private: a tool of the conformance kits.
 */
final class Waiter<T> {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;

    private Waiter(String name, Callable<T> call) {
        thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts {@code call} on a new thread. */
    static <T> Waiter<T> start(String name, Callable<T> call) {
        return new Waiter<>(name, call);
    }

    /** Waits until the thread is parked (waiting for a lock) with its call still running. */
    Waiter<T> awaitBlocked() {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            Thread.State s = thread.getState();
            if (result.isDone()) {
                throw new AssertionError("'" + thread.getName() + "' finished instead of"
                        + " waiting: " + (result.isCompletedExceptionally() ? "failed" : get()));
            }
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        });
        return this;
    }

    /** True once the call returned or threw. */
    boolean isDone() {
        return result.isDone();
    }

    /** The call's result, waiting for it. */
    T get() {
        try {
            return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("'" + thread.getName() + "' failed: " + e.getCause(),
                    e.getCause());
        } catch (Exception e) {
            throw new AssertionError("'" + thread.getName() + "' did not finish", e);
        }
    }
}

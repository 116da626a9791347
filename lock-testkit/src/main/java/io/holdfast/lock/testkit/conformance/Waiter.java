package io.holdfast.lock.testkit.conformance;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A thread that makes one blocking call, so tests can see it wait (by its thread state, never
 * by sleeping) and then collect its result: a test that asserts a caller is still blocked first
 * waits until it is, so it fails if the call never started or returned at once. Public for the
 * backends' own tests; not thread-safe beyond what its methods say.
 *
 * @param <T> what the call returns
 */
public final class Waiter<T> {

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

    /** Starts {@code call} on a new daemon thread named {@code name}. */
    public static <T> Waiter<T> start(String name, Callable<T> call) {
        return new Waiter<>(name, call);
    }

    /**
     * Waits until the thread is parked ({@link Thread.State#WAITING} or
     * {@link Thread.State#TIMED_WAITING}, as a caller waiting for a lock is) with its call still
     * running.
     *
     * @throws AssertionError if the call finished instead, or did not park within 30s
     */
    public Waiter<T> awaitBlocked() {
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
    public boolean isDone() {
        return result.isDone();
    }

    /** Interrupts the thread. */
    public void interrupt() {
        thread.interrupt();
    }

    /** What the call threw, waiting for it; fails if it returned. */
    public Throwable failure() {
        try {
            T value = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("'" + thread.getName() + "' returned " + value
                    + " instead of failing");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("'" + thread.getName() + "' did not finish", e);
        }
    }

    /** The call's result, waiting for it. */
    public T get() {
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

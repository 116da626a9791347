package io.holdfast.lock.redis.internal;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.LockMetrics;
import io.holdfast.lock.redis.RedisLockSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Redis commands with a per-attempt timeout and retries transient failures with
 * resilience4j-retry (exponential backoff with jitter), never past the caller's deadline: a
 * caller with no time left still gets one full attempt of the command timeout. A command that
 * timed out is cancelled, so that Lettuce never replays it after a reconnect.
 */
public final class CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

    private final Retry retry;
    private final long timeoutNanos;
    private final String endpoint;
    private final LockMetrics metrics;

    /** A runner for {@code settings}, counting retries in {@code metrics}. */
    public CommandRunner(RedisLockSettings settings, String endpoint, LockMetrics metrics) {
        this.timeoutNanos = settings.timeout().toNanos();
        this.endpoint = endpoint;
        this.metrics = metrics;
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(settings.retryAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                        settings.retryInitialBackoff(), 2.0, 0.5, settings.retryMaxBackoff()))
                .retryOnException(Failures::isTransient)
                .build();
        this.retry = Retry.of("holdfast-redis", config);
    }

    /** The endpoint commands go to, without credentials. */
    public String endpoint() {
        return endpoint;
    }

    /**
     * Runs {@code op}, retrying transient failures until {@code deadlineNanos} (or one command
     * timeout from now, whichever is later). Waits interruptibly.
     *
     * @throws LockUnavailableException when attempts or time ran out, or on a non-transient error
     * @throws InterruptedException if interrupted
     */
    public <T> T call(String what, Supplier<? extends CompletionStage<T>> op, long deadlineNanos)
            throws InterruptedException {
        return run(what, op, deadlineNanos, true);
    }

    /**
     * Like {@link #call} but never interrupted: for releases, which must run even on a thread
     * whose interrupt flag is set. The flag is kept.
     */
    public <T> T callUninterruptibly(String what, Supplier<? extends CompletionStage<T>> op,
            long deadlineNanos) {
        boolean interrupted = Thread.interrupted();
        try {
            return run(what, op, deadlineNanos, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible wait was interrupted", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private <T> T run(String what, Supplier<? extends CompletionStage<T>> op, long deadlineNanos,
            boolean interruptible) throws InterruptedException {
        long start = System.nanoTime();
        long budgetEnd = Math.max(deadlineNanos, start + timeoutNanos);
        Retry.AsyncContext<T> context = retry.asyncContext();
        for (int attempt = 1; ; attempt++) {
            long attemptWait = Math.max(Math.min(timeoutNanos, budgetEnd - System.nanoTime()),
                    TimeUnit.MILLISECONDS.toNanos(1));
            Throwable failure;
            CompletableFuture<T> pending = null;
            try {
                pending = op.get().toCompletableFuture();
                T result = await(pending, attemptWait, interruptible);
                context.onComplete();
                return result;
            } catch (ExecutionException e) {
                failure = Failures.unwrap(e);
            } catch (TimeoutException e) {
                pending.cancel(false); // given up: Lettuce must not replay it after a reconnect
                failure = new TimeoutException("no reply within "
                        + TimeUnit.NANOSECONDS.toMillis(attemptWait) + "ms");
            } catch (RuntimeException e) {
                failure = Failures.unwrap(e);
            }
            if (!Failures.isTransient(failure)) {
                throw Failures.unavailable(what, endpoint, failure, attempt);
            }
            long delayMillis = context.onError(failure);
            if (delayMillis < 0 || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis)
                    >= budgetEnd) {
                LockUnavailableException e = Failures.unavailable(what, endpoint, failure, attempt);
                if (attempt > 1) {
                    LOG.warn("retries exhausted: {}", e.getMessage());
                }
                throw e;
            }
            metrics.retry();
            sleep(delayMillis, interruptible);
        }
    }

    private static <T> T await(CompletableFuture<T> future, long nanos, boolean interruptible)
            throws InterruptedException, ExecutionException, TimeoutException {
        long end = System.nanoTime() + nanos;
        while (true) {
            try {
                return future.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                if (interruptible) {
                    throw e;
                }
            }
        }
    }

    private static void sleep(long millis, boolean interruptible) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = millis; left > 0; ) {
            try {
                TimeUnit.NANOSECONDS.sleep(end - System.nanoTime());
                return;
            } catch (InterruptedException e) {
                if (interruptible) {
                    throw e;
                }
                left = end - System.nanoTime();
            }
        }
    }
}

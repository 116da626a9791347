package io.holdfast.lock.redis.internal;

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
 * Runs Redis commands with a per-attempt timeout and retries transient failures
 * ({@link Failures#isTransient}) with {@link Backoff} (exponential, with jitter), never past the
 * caller's deadline: a caller with no time left still gets one full attempt of the command
 * timeout, and a retry whose delay would end past the deadline is not made. A command that timed
 * out is cancelled, so that Lettuce never replays it after a reconnect. Thread-safe.
 *
 * <p>The loop is its own rather than resilience4j-retry's: that library's blocking retry sleeps
 * with one process-wide sleep function, so it can neither stop at a caller's deadline nor wait
 * uninterruptibly for a release, and with its asynchronous context the loop stayed here anyway
 * while a retry cut short by the deadline was still published as one (issue 11).
 */
public final class CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

    private final int maxAttempts;
    private final Backoff backoff;
    private final long timeoutNanos;
    private final String endpoint;
    private final LockMetrics metrics;

    /** A runner for {@code settings}, counting retries in {@code metrics}. */
    public CommandRunner(RedisLockSettings settings, String endpoint, LockMetrics metrics) {
        this.maxAttempts = settings.retryAttempts();
        this.backoff = Backoff.of(settings.retryInitialBackoff(), settings.retryMaxBackoff());
        this.timeoutNanos = settings.timeout().toNanos();
        this.endpoint = endpoint;
        this.metrics = metrics;
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
        for (int attempt = 1; ; attempt++) {
            long attemptWait = Math.max(Math.min(timeoutNanos, budgetEnd - System.nanoTime()),
                    TimeUnit.MILLISECONDS.toNanos(1));
            Throwable failure;
            CompletableFuture<T> pending = null;
            try {
                pending = op.get().toCompletableFuture();
                return await(pending, attemptWait, interruptible);
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
            long delay = backoff.delayNanos(attempt);
            if (attempt >= maxAttempts || System.nanoTime() + delay - budgetEnd >= 0) {
                LockUnavailableException e = Failures.unavailable(what, endpoint, failure, attempt);
                if (attempt > 1) {
                    LOG.warn("retries exhausted: {}", e.getMessage());
                }
                throw e;
            }
            metrics.retry();
            sleep(delay, interruptible);
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

    private static void sleep(long nanos, boolean interruptible) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
                return;
            } catch (InterruptedException e) {
                if (interruptible) {
                    throw e;
                }
            }
        }
    }
}

package io.holdfast.lock.redis.internal;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/**
 * The result of one or more Redis commands whose cancellation also cancels the commands. Lettuce
 * then never replays them after a reconnect (see {@link RedisBackend}): a caller that gave up on
 * an acquire must not find the lock taken in its name later. holdfast times commands out itself
 * (Lettuce's per-command timeout costs a timer task per command) and cancels what timed out.
 */
final class CommandFuture<T> extends CompletableFuture<T> {

    /** The commands a cancellation must reach (at most four: a script, WAIT, their resends). */
    private Future<?>[] commands = new Future<?>[2];
    private int tracked;

    /** Completes with {@code result}; cancelling it cancels {@code commands}. */
    static <T> CommandFuture<T> of(CompletionStage<T> result, Future<?>... commands) {
        CommandFuture<T> f = new CommandFuture<>();
        for (Future<?> c : commands) {
            f.track(c);
        }
        f.follow(result);
        return f;
    }

    /** Completes like {@code stage} once it completes, with its failure unwrapped. */
    void follow(CompletionStage<? extends T> stage) {
        stage.whenComplete(this::settle);
    }

    /** Completes with {@code value}, or with {@code failure} unwrapped if it is not null. */
    void settle(T value, Throwable failure) {
        if (failure == null) {
            complete(value);
        } else {
            completeExceptionally(Failures.unwrap(failure));
        }
    }

    /** Adds a command that a cancellation must reach (cancelled at once if already cancelled). */
    void track(Future<?> command) {
        synchronized (this) {
            if (tracked == commands.length) {
                commands = Arrays.copyOf(commands, 2 * tracked);
            }
            commands[tracked++] = command;
        }
        if (isCancelled()) {
            command.cancel(false);
        }
    }

    /** Cancels this future and every tracked command that has not completed. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Future<?>[] reached;
        synchronized (this) {
            reached = Arrays.copyOf(commands, tracked);
        }
        for (Future<?> c : reached) {
            c.cancel(false);
        }
        return cancelled;
    }
}

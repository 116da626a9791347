package io.holdfast.lock.redis.internal;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * A write's reply and the replicas that acknowledged it: {@code WAIT} pipelined right behind the
 * write on the same connection (see {@link Script#runAndWait} for scripts).
 *
 * @param value the write's reply
 * @param acks replicas that acknowledged it (0 when none were asked for)
 */
public record Replicated<T>(T value, long acks) {

    /**
     * Sends {@code WAIT replicas timeoutMillis} right behind {@code write}, which was just sent on
     * {@code commands}; cancelling the result cancels both.
     */
    public static <T> CompletableFuture<Replicated<T>> after(RedisFuture<T> write,
            RedisClusterAsyncCommands<String, String> commands, int replicas,
            long timeoutMillis) {
        RedisFuture<Long> acks = commands.waitForReplication(replicas, timeoutMillis);
        return CommandFuture.of(write.toCompletableFuture().thenCombine(acks, Replicated::new),
                write, acks);
    }
}

package io.holdfast.lock.redis.internal;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * One Lua script, run by {@code EVALSHA}; when the server answers {@code NOSCRIPT} (after a
 * restart, a failover or {@code SCRIPT FLUSH}) it is sent once by {@code EVAL}, which caches it
 * again. All inputs go through KEYS and ARGV; the text never changes.
 */
public final class Script {

    /** The token and queue functions that acquire and release share, prepended to both. */
    private static final String QUEUE_PRELUDE = "tokens-and-queue.lua";

    /** Take a lock and a fencing token, or join the lock's queue and report the remaining lease. */
    public static final Script ACQUIRE = load(QUEUE_PRELUDE, "acquire.lua");
    /** Owner-checked release that hands the lock to the oldest live waiter, if any. */
    public static final Script RELEASE = load(QUEUE_PRELUDE, "release.lua");
    /** Batched owner-checked renewal. */
    public static final Script RENEW = load(null, "renew.lua");
    /** Owner-checked clear of a status flag. */
    public static final Script CLEAR = load(null, "clear.lua");

    private final String name;
    private final String text;
    private final String sha;

    private Script(String name, String text) {
        this.name = name;
        this.text = text;
        this.sha = sha1Hex(text);
    }

    /** The script's file name. */
    public String name() {
        return name;
    }

    /** The script's source. */
    public String text() {
        return text;
    }

    /** The SHA-1 the server caches the script under. */
    public String sha() {
        return sha;
    }

    /**
     * Runs the script, falling back to {@code EVAL} once on {@code NOSCRIPT}. Cancelling the
     * result cancels the command in flight.
     */
    public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> commands,
            ScriptOutputType type, String[] keys, String... args) {
        return runNotingResend(commands, type, keys, args, null);
    }

    /**
     * Like {@link #run}, calling {@code beforeResend} (on Lettuce's event loop) just before the
     * {@code EVAL} fallback is sent: from then on, commands sent after this one on the same
     * connection may have reached the server before it (see {@link PendingReleases}). The reply
     * completes the result directly on the event loop: one future per command, no chain of
     * stages (the S4 profile found five per command).
     */
    <T> CompletableFuture<T> runNotingResend(RedisClusterAsyncCommands<String, String> commands,
            ScriptOutputType type, String[] keys, String[] args, Runnable beforeResend) {
        CommandFuture<T> result = new CommandFuture<>();
        RedisFuture<T> first = commands.evalsha(sha, type, keys, args);
        result.track(first);
        first.whenComplete((value, failure) -> {
            if (mustResend(failure, result, beforeResend)) {
                RedisFuture<T> again = commands.eval(text, type, keys, args);
                result.track(again);
                result.follow(again);
            } else {
                result.settle(value, failure);
            }
        });
        return result;
    }

    /**
     * Runs the script like {@link #run} and then {@code WAIT replicas timeoutMillis} on the same
     * connection, pipelined right behind the command that ran it: behind {@code EVALSHA}, or, when
     * that found {@code NOSCRIPT} (Redis 7.0 does not replicate the script cache, so after a
     * failover every client's first call takes this path), behind the {@code EVAL} that actually
     * wrote. The acknowledgements are those of the {@code WAIT} that followed the write.
     */
    public <T> CompletableFuture<Replicated<T>> runAndWait(
            RedisClusterAsyncCommands<String, String> commands, ScriptOutputType type,
            String[] keys, String[] args, int replicas, long timeoutMillis) {
        CommandFuture<Replicated<T>> result = new CommandFuture<>();
        RedisFuture<T> first = commands.evalsha(sha, type, keys, args);
        CompletableFuture<Long> firstAcks = acks(commands, result, replicas, timeoutMillis);
        result.track(first);
        first.whenComplete((value, failure) -> {
            if (mustResend(failure, result, null)) {
                RedisFuture<T> again = commands.eval(text, type, keys, args);
                CompletableFuture<Long> againAcks = acks(commands, result, replicas,
                        timeoutMillis);
                result.track(again);
                result.follow(again.thenCombine(againAcks, Replicated::new));
            } else {
                result.follow(first.thenCombine(firstAcks, Replicated::new));
            }
        });
        return result;
    }

    /**
     * True when a command's {@code failure} is {@code NOSCRIPT} and its caller still waits, so
     * the script must be sent again by {@code EVAL}; runs {@code beforeResend} first.
     */
    private static boolean mustResend(Throwable failure, CommandFuture<?> result,
            Runnable beforeResend) {
        if (failure == null || !(Failures.unwrap(failure) instanceof RedisNoScriptException)
                || result.isDone()) {
            return false;
        }
        if (beforeResend != null) {
            beforeResend.run();
        }
        return true;
    }

    /** Sends {@code WAIT} now if replicas are asked for; else a completed 0. */
    private static CompletableFuture<Long> acks(RedisClusterAsyncCommands<String, String> commands,
            CommandFuture<?> result, int replicas, long timeoutMillis) {
        if (replicas == 0) {
            return CompletableFuture.completedFuture(0L);
        }
        RedisFuture<Long> wait = commands.waitForReplication(replicas, timeoutMillis);
        result.track(wait);
        return wait.toCompletableFuture();
    }

    private static Script load(String prelude, String file) {
        return new Script(file, (prelude == null ? "" : read(prelude)) + read(file));
    }

    private static String read(String file) {
        try (InputStream in = Script.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("script " + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + file, e);
        }
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}

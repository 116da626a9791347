package io.holdfast.lock.redis.admin;

import io.holdfast.lock.internal.LockMetrics;
import io.holdfast.lock.redis.RedisLockSettings;
import io.holdfast.lock.redis.internal.CommandRunner;
import io.holdfast.lock.redis.internal.RedisBackend;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The admin's connection, opened on first use with the start-up checks of a manager (PING,
 * script load, the permission probe on the namespace's probe lock, the eviction-policy warning),
 * and its reads: incremental {@code SCAN} (on every primary of a Cluster: Lettuce's cluster scan
 * walks the primaries one after another), and pipelined batches.
 */
final class RedisReads implements AutoCloseable {

    /** Keys asked per SCAN call, and reads per pipelined batch. */
    static final int BATCH = 500;

    private final RedisLockSettings settings;
    private RedisBackend backend;
    private CommandRunner runner;

    RedisReads(RedisLockSettings settings) {
        this.settings = settings;
    }

    /** The open backend; opens (and probes) it on the first call. */
    synchronized RedisBackend backend() {
        if (backend == null) {
            backend = RedisBackend.open(settings);
            runner = new CommandRunner(settings, backend.endpoint(), LockMetrics.NOOP);
        }
        return backend;
    }

    RedisClusterAsyncCommands<String, String> commands() {
        return backend().commands();
    }

    /** Runs {@code op} with the library's retries, within one command timeout. */
    <T> T call(String what, Supplier<? extends CompletionStage<T>> op) {
        backend();
        return runner.callUninterruptibly(what, op, System.nanoTime());
    }

    /** Every key matching {@code pattern}, by incremental SCAN. */
    List<String> scan(String what, String pattern) {
        RedisClusterAsyncCommands<String, String> c = commands();
        ScanArgs match = ScanArgs.Builder.matches(pattern).limit(BATCH);
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            ScanCursor from = cursor;
            KeyScanCursor<String> page = call(what, () -> c.scan(from, match));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    /** Waits for every future of a pipelined batch. */
    static CompletableFuture<Void> all(List<? extends CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
    }

    /** The server's clock in microseconds (TIME). */
    long serverMicros() {
        List<String> t = call("reading the server time", () -> commands().time());
        return Long.parseLong(t.get(0)) * 1_000_000 + Long.parseLong(t.get(1));
    }

    @Override
    public synchronized void close() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }
}

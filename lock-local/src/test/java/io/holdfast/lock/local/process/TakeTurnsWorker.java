package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Acquires and releases one file lock back to back, as fast as it can, for a while, and prints
 * every token it was granted. Starts only once all workers are ready (each creates a file in the
 * barrier directory and waits until there are as many as workers), so they contend from the start.
 * Args: lock directory, barrier directory, workers, run millis.
 */
public final class TakeTurnsWorker {

    public static void main(String[] args) throws Exception {
        Path barrier = Path.of(args[1]);
        int workers = Integer.parseInt(args[2]);
        long runNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
        StringBuilder tokens = new StringBuilder("TOKENS");
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(Path.of(args[0])))) {
            Files.createFile(barrier.resolve(Long.toString(ProcessHandle.current().pid())));
            while (true) {
                try (var files = Files.list(barrier)) {
                    if (files.count() >= workers) {
                        break;
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            long end = System.nanoTime() + runNanos;
            while (System.nanoTime() - end < 0) {
                try (Lease lease = locks.acquire("turns", Duration.ofSeconds(60))) {
                    tokens.append(' ').append(lease.fencingToken());
                }
            }
        }
        System.out.println(tokens);
        System.out.println("DONE");
    }
}

package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Readers that keep a resource held shared: each thread takes the shared lock, holds it for
 * 200µs and takes it again, until the stop file exists or it made {@code rounds} rounds. Prints
 * {@code READING} once every thread holds it, then {@code ROUNDS n...} and {@code DONE}. Args:
 * lock directory, resource, stop file, threads, rounds.
 */
public final class ReaderLoopWorker {

    public static void main(String[] args) throws Exception {
        String resource = args[1];
        Path stop = Path.of(args[2]);
        int threads = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        AtomicIntegerArray made = new AtomicIntegerArray(threads);
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(Path.of(args[0])))) {
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = new Thread(() -> {
                    try {
                        for (int n = 0; n < rounds && !Files.exists(stop); n++) {
                            try (Lease lease = locks.acquireShared(resource, Duration.ofSeconds(60))) {
                                made.incrementAndGet(id);
                                LockSupport.parkNanos(200_000);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                ts[t].start();
            }
            while (!allStarted(made)) {
                LockSupport.parkNanos(1_000_000);
            }
            System.out.println("READING");
            for (Thread t : ts) {
                t.join();
            }
        }
        StringBuilder line = new StringBuilder("ROUNDS");
        for (int t = 0; t < threads; t++) {
            line.append(' ').append(made.get(t));
        }
        System.out.println(line);
        System.out.println("DONE");
    }

    private static boolean allStarted(AtomicIntegerArray made) {
        for (int i = 0; i < made.length(); i++) {
            if (made.get(i) == 0) {
                return false;
            }
        }
        return true;
    }
}

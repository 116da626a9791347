package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Increments a counter file under a file lock. The file holds {@code count lastToken}; a token not
 * greater than the last one is printed as a violation. Prints every token it was granted.
 * Args: lock directory, counter file, iterations.
 */
public final class CounterWorker {

    public static void main(String[] args) throws Exception {
        Path counter = Path.of(args[1]);
        int iterations = Integer.parseInt(args[2]);
        StringBuilder tokens = new StringBuilder("TOKENS");
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(Path.of(args[0])))) {
            System.out.println("READY");
            for (int i = 0; i < iterations; i++) {
                try (Lease lease = locks.acquire("counter", Duration.ofSeconds(60))) {
                    String[] parts = Files.readString(counter).trim().split(" ");
                    long count = Long.parseLong(parts[0]);
                    long last = Long.parseLong(parts[1]);
                    if (lease.fencingToken() <= last) {
                        System.out.println("VIOLATION token " + lease.fencingToken() + " after " + last);
                    }
                    Files.writeString(counter, (count + 1) + " " + lease.fencingToken());
                    tokens.append(' ').append(lease.fencingToken());
                }
            }
        }
        System.out.println(tokens);
        System.out.println("DONE");
    }
}

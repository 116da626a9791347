package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Takes two resources with {@code acquireAll}, listed in the order given, and increments a
 * counter file under both. Prints {@code DONE} or the failure. Args: lock directory, counter
 * file, rounds, resource names (in the order to list them).
 */
public final class AcquireAllWorker {

    public static void main(String[] args) throws Exception {
        Path counter = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(Path.of(args[0])))) {
            System.out.println("READY");
            for (int i = 0; i < rounds; i++) {
                try (Lease both = locks.acquireAll(Arrays.asList(args).subList(3, args.length),
                        Duration.ofSeconds(30))) {
                    long n = Long.parseLong(Files.readString(counter).trim());
                    Files.writeString(counter, Long.toString(n + 1));
                }
            }
        } catch (Exception e) {
            System.out.println("FAILED " + e);
            return;
        }
        System.out.println("DONE");
    }
}

package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.AtomicFiles;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Works until a stop file exists, and may be killed at any moment. Mode {@code counter}: under
 * the file lock {@code counter}, reads {@code <count> <last token>} from the data file, prints
 * {@code GRANT <nanoTime> <token>} and {@code VIOLATION} if the token is not above the last one,
 * and writes the file back (atomically). Mode {@code append}: appends {@code <id>,<n>} lines with
 * {@link AtomicFiles#update} and prints {@code ACK <id>,<n>} once each update returned.
 * Args: mode, lock directory, data file, id, stop file.
 */
public final class KillableWorker {

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[2]);
        Path stop = Path.of(args[4]);
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(Path.of(args[1])))) {
            System.out.println("READY");
            for (int n = 0; !Files.exists(stop); n++) {
                if (args[0].equals("counter")) {
                    try (Lease lease = locks.acquire("counter", Duration.ofSeconds(60))) {
                        System.out.println("GRANT " + System.nanoTime() + " " + lease.fencingToken());
                        String[] parts = Files.readString(data).trim().split(" ");
                        long last = Long.parseLong(parts[1]);
                        if (lease.fencingToken() <= last) {
                            System.out.println("VIOLATION token " + lease.fencingToken() + " after " + last);
                        }
                        AtomicFiles.writeString(data, (Long.parseLong(parts[0]) + 1) + " " + lease.fencingToken());
                    }
                } else {
                    String line = args[3] + "," + n;
                    AtomicFiles.update(data, locks, Duration.ofSeconds(60), s -> s + line + "\n");
                    System.out.println("ACK " + line);
                }
            }
        }
        System.out.println("DONE");
    }
}

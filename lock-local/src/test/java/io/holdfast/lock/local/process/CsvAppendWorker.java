package io.holdfast.lock.local.process;

import io.holdfast.lock.local.AtomicFiles;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Path;
import java.time.Duration;

/** Appends {@code id,i} lines to a CSV with AtomicFiles.update. Args: lock dir, csv, id, count. */
public final class CsvAppendWorker {

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[1]);
        int count = Integer.parseInt(args[3]);
        try (FileLockManager locks = FileLockManager.create(FileLockSettings.of(Path.of(args[0])))) {
            for (int i = 0; i < count; i++) {
                String line = args[2] + "," + i + "\n";
                AtomicFiles.update(csv, locks, Duration.ofSeconds(60), s -> s + line);
            }
        }
        System.out.println("DONE");
    }
}

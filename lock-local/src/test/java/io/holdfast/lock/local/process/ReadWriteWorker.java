package io.holdfast.lock.local.process;

import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.testkit.jvm.ReadWriteRounds;
import java.nio.file.Path;

/**
 * {@link ReadWriteRounds} on file locks. Args: lock directory, value file, threads, operations
 * per thread.
 */
public final class ReadWriteWorker {

    public static void main(String[] args) throws Exception {
        ReadWriteRounds.run(FileLockManager.create(FileLockSettings.of(Path.of(args[0]))),
                Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    }
}

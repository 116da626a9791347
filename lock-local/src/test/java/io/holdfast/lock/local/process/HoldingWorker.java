package io.holdfast.lock.local.process;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Path;
import java.time.Duration;

/** Takes a file lock, prints {@code HELD <token>} and holds it until killed. Args: directory, resource. */
public final class HoldingWorker {

    public static void main(String[] args) throws Exception {
        FileLockManager locks = FileLockManager.create(FileLockSettings.of(Path.of(args[0])));
        Lease lease = locks.acquire(args[1], Duration.ofSeconds(60));
        System.out.println("HELD " + lease.fencingToken() + " " + ProcessHandle.current().pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

package io.holdfast.lock.local;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.ExclusiveTasksConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Exclusive tasks on host-wide file locks and flags; two managers play two instances. */
class FileExclusiveTasksConformanceTest extends ExclusiveTasksConformance {

    @TempDir
    Path dir;

    @Override
    protected LockManager newManager() {
        return FileLockManager.create(FileLockSettings.of(dir.resolve("locks")));
    }

    @Override
    protected StatusManager newStatusManager() {
        return FileStatusManager.create(FileStatusSettings.of(dir.resolve("flags")));
    }

    @Override
    protected boolean managersShare() {
        return true;
    }
}

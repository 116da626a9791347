package io.holdfast.lock.local;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileLockManagerConformanceTest extends LockManagerConformance {

    @TempDir
    Path dir;

    @Override
    protected LockManager newManager() {
        return FileLockManager.create(FileLockSettings.of(dir.resolve("locks")));
    }

    @Override
    protected boolean managersShareLocks() {
        return true;
    }

    @Override
    protected int inspectRaceAttempts() {
        return 3000; // an inspect holds this JVM's permit to the file for a moment
    }
}

package io.holdfast.lock.local;

import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.StatusManagerConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileStatusManagerConformanceTest extends StatusManagerConformance {

    @TempDir
    Path dir;

    @Override
    protected StatusManager newStatusManager() {
        return FileStatusManager.create(FileStatusSettings.of(dir.resolve("flags")));
    }

    @Override
    protected boolean managersShareFlags() {
        return true;
    }
}

package io.holdfast.lock.local.provider;

import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.StatusManagerConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The StatusManager contract for {@code USE_NEW_LOCKS=dual} with the local backend. */
class DualFileLocalStatusConformanceTest extends StatusManagerConformance {

    @TempDir
    Path dir;

    private final DualServices services = new DualServices();

    @Override
    protected StatusManager newStatusManager() {
        return services.open(dir).status();
    }

    @AfterEach
    void closeServices() {
        services.close();
    }
}

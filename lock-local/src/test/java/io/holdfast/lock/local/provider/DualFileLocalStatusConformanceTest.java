package io.holdfast.lock.local.provider;

import io.holdfast.lock.LockService;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.StatusManagerConformance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The StatusManager contract for {@code USE_NEW_LOCKS=dual} with the local backend. */
class DualFileLocalStatusConformanceTest extends StatusManagerConformance {

    @TempDir
    Path dir;

    private final List<LockService> services = new ArrayList<>();

    @Override
    protected StatusManager newStatusManager() {
        LockService s = LockService.fromEnvironment(Map.of("USE_NEW_LOCKS", "dual",
                "LOCK_BACKEND", "local", "LOCK_DIR", dir.toString()));
        services.add(s);
        return s.status();
    }

    @AfterEach
    void closeServices() {
        services.forEach(LockService::close);
    }
}

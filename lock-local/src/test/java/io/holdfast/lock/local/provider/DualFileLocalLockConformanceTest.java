package io.holdfast.lock.local.provider;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockService;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole LockManager contract for {@code USE_NEW_LOCKS=dual} with the local backend, as built
 * by {@link LockService}. Tokens come from each service's in-process counter, so two managers do
 * not share a token sequence and the cross-manager part of the kit does not apply.
 */
class DualFileLocalLockConformanceTest extends LockManagerConformance {

    @TempDir
    Path dir;

    private final DualServices services = new DualServices();

    @Override
    protected LockManager newManager() {
        return services.open(dir).locks();
    }

    @Override
    protected int stressAcquisitions() {
        return 1500;
    }

    @AfterEach
    void closeServices() {
        services.close();
    }
}

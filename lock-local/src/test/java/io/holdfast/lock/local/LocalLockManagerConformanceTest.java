package io.holdfast.lock.local;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;

class LocalLockManagerConformanceTest extends LockManagerConformance {

    @Override
    protected LockManager newManager() {
        return LocalLockManager.create();
    }
}

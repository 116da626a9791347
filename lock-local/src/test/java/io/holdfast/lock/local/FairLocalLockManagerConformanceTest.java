package io.holdfast.lock.local;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.testkit.conformance.LockManagerConformance;

class FairLocalLockManagerConformanceTest extends LockManagerConformance {

    @Override
    protected LockManager newManager() {
        return LocalLockManager.create(LocalLockSettings.builder().fair(true).build());
    }

    @Override
    protected int stressAcquisitions() {
        return 2000; // fair handoff parks every thread; fewer rounds keep the run short
    }
}

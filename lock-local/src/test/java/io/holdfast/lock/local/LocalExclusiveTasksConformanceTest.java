package io.holdfast.lock.local;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.ExclusiveTasksConformance;

/** Exclusive tasks on in-process locks and flags: the lease is lost when the manager closes. */
class LocalExclusiveTasksConformanceTest extends ExclusiveTasksConformance {

    @Override
    protected LockManager newManager() {
        return LocalLockManager.create();
    }

    @Override
    protected StatusManager newStatusManager() {
        return LocalStatusManager.create();
    }
}

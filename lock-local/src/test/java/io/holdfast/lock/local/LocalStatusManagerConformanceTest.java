package io.holdfast.lock.local;

import io.holdfast.lock.StatusManager;
import io.holdfast.lock.testkit.conformance.StatusManagerConformance;

class LocalStatusManagerConformanceTest extends StatusManagerConformance {

    @Override
    protected StatusManager newStatusManager() {
        return LocalStatusManager.create();
    }
}

package io.holdfast.reliability.worker;

import io.holdfast.lock.LockManager;

/** Creates Redis lock managers from {@link WorkerOptions}; see {@link Managers}. */
final class RedisManagers {

    private RedisManagers() {
    }

    static LockManager create(WorkerOptions options) {
        throw new UnsupportedOperationException("lock-redis is not available yet");
    }
}

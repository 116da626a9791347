package io.holdfast.reliability.worker;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Path;

/**
 * Creates the lock manager a scenario tests from {@link WorkerOptions}: {@code file=<dir>} for the
 * file backend (the harness's own control experiment), otherwise Redis at {@code uri=...} with
 * {@code lease_ms}, {@code min_acks}, {@code ack_timeout_ms}, {@code timeout_ms}, {@code namespace}; a
 * Redis manager's start-up waits up to {@code startup_ms} (20s) for Redis to be reachable.
 */
public final class Managers {

    private Managers() {
    }

    /** A new manager as {@code options} describe. */
    public static LockManager create(WorkerOptions options) {
        if (options.has("file")) {
            return FileLockManager.create(FileLockSettings.of(Path.of(options.require("file"))));
        }
        return RedisManagers.create(options);
    }
}

package io.holdfast.benchmarks.redis;

import io.holdfast.lock.Lease;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import java.nio.file.Path;
import java.time.Duration;

/** holdfast's host-wide {@link FileLockManager} (no Redis): its cross-process handoff is measured in S3. */
final class HoldfastFileContender implements Contender {

    private static final Duration WAIT = Duration.ofMinutes(5);

    private final FileLockManager manager;

    HoldfastFileContender(Path directory) {
        manager = FileLockManager.create(FileLockSettings.of(directory));
    }

    @Override
    public Object acquire(String resource) throws InterruptedException {
        return manager.acquire(resource, WAIT);
    }

    @Override
    public void release(Object handle) {
        ((Lease) handle).release();
    }

    @Override
    public void close() {
        manager.close();
    }
}

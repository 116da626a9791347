package io.holdfast.lock.local.provider;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.local.FileStatusManager;
import io.holdfast.lock.local.FileStatusSettings;
import io.holdfast.lock.local.admin.FileLockAdmin;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockBackendProvider;
import java.util.Optional;

/**
 * The {@code file} backend for {@link io.holdfast.lock.LockService}: host-wide
 * {@link FileLockManager} locks and {@link FileStatusManager} flags in
 * {@link BackendConfig#lockDir()} ({@code LOCK_DIR}). Used by {@code USE_NEW_LOCKS=false} and as
 * the first lock of {@code dual}.
 */
public final class FileBackendProvider implements LockBackendProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public FileBackendProvider() {}

    @Override
    public String name() {
        return "file";
    }

    @Override
    public LockManager createLocks(BackendConfig config) {
        return FileLockManager.create(FileLockSettings.builder(config.lockDir())
                .meterRegistry(config.meterRegistry().orElse(null))
                .build());
    }

    @Override
    public StatusManager createStatus(BackendConfig config) {
        return FileStatusManager.create(FileStatusSettings.of(config.lockDir()));
    }

    /** The lock and flag files of the directory, and its audit file. */
    @Override
    public Optional<LockAdmin> createAdmin(BackendConfig config) {
        return Optional.of(FileLockAdmin.create(config.lockDir()));
    }
}

package io.holdfast.lock.local.provider;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.internal.env.Variables;
import io.holdfast.lock.local.FileLockManager;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.local.FileStatusManager;
import io.holdfast.lock.local.FileStatusSettings;
import io.holdfast.lock.local.admin.FileLockAdmin;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.BackendSummary;
import io.holdfast.lock.spi.LockAdmin;
import io.holdfast.lock.spi.LockBackendProvider;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code file} backend for {@link io.holdfast.lock.LockService}: host-wide
 * {@link FileLockManager} locks and {@link FileStatusManager} flags in the directory
 * {@value #LOCK_DIR} names (default {@code /var/lib/holdfast} when it exists, else
 * {@code holdfast-locks} under {@code java.io.tmpdir}, with a warning). Used by
 * {@code USE_NEW_LOCKS=false} and as the first lock of {@code dual}.
 */
public final class FileBackendProvider implements LockBackendProvider {

    /** The directory of lock and flag files. */
    public static final String LOCK_DIR = "LOCK_DIR";

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public FileBackendProvider() {}

    @Override
    public String name() {
        return "file";
    }

    @Override
    public String description() {
        return "host-wide file locks in " + LOCK_DIR + ", what USE_NEW_LOCKS=false uses";
    }

    @Override
    public List<String> variables() {
        return List.of(LOCK_DIR);
    }

    /** Checks {@value #LOCK_DIR}; in use, warns when the directory may not be shared. */
    @Override
    public BackendSummary validate(BackendConfig config, boolean chosen) {
        Path dir = lockDir(config);
        return new BackendSummary(LOCK_DIR + "=" + dir, chosen
                ? LockDirs.warning(dir, !config.isSet(LOCK_DIR)).stream().toList() : List.of());
    }

    @Override
    public LockManager createLocks(BackendConfig config) {
        return FileLockManager.create(FileLockSettings.builder(lockDir(config))
                .meterRegistry(config.meterRegistry().orElse(null))
                .build());
    }

    @Override
    public StatusManager createStatus(BackendConfig config) {
        return FileStatusManager.create(FileStatusSettings.of(lockDir(config)));
    }

    /** The lock and flag files of the directory, and its audit file. */
    @Override
    public Optional<LockAdmin> createAdmin(BackendConfig config) {
        return Optional.of(FileLockAdmin.create(lockDir(config)));
    }

    /**
     * {@value #LOCK_DIR}, absolute and normalized, or the default.
     *
     * @throws IllegalArgumentException naming {@value #LOCK_DIR} if it is not a usable path
     */
    static Path lockDir(BackendConfig config) {
        return Variables.get(config, LOCK_DIR, "a directory path", FileBackendProvider::parse)
                .orElseGet(LockDirs::defaultDir);
    }

    private static Path parse(String v) {
        Path dir;
        try {
            dir = Path.of(v.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw Variables.invalid(LOCK_DIR, v, "must be a valid directory path (" + e.getReason() + ")");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw Variables.invalid(LOCK_DIR, v, "must be a directory or not exist yet, but it is a file");
        }
        return dir;
    }
}

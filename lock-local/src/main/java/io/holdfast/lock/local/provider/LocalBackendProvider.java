package io.holdfast.lock.local.provider;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import io.holdfast.lock.local.LocalLockManager;
import io.holdfast.lock.local.LocalLockSettings;
import io.holdfast.lock.local.LocalStatusManager;
import io.holdfast.lock.spi.BackendConfig;
import io.holdfast.lock.spi.BackendSummary;
import io.holdfast.lock.spi.LockBackendProvider;

/**
 * The {@code local} backend for {@link io.holdfast.lock.LockService}: {@link LocalLockManager}
 * and {@link LocalStatusManager}, which coordinate the threads of one JVM only (each service has
 * its own). With {@code USE_NEW_LOCKS=dual} the file lock taken first still coordinates the
 * processes of the host, and its tokens are the ones leases carry (this backend's are per
 * process).
 */
public final class LocalBackendProvider implements LockBackendProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public LocalBackendProvider() {}

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String description() {
        return "in-process locks, which do not coordinate processes or hosts";
    }

    /** Nothing to validate: the summary says this backend coordinates one process only. */
    @Override
    public BackendSummary validate(BackendConfig config, boolean chosen) {
        return BackendSummary.of("in-process: does not coordinate processes");
    }

    /** Tokens are per process: {@code dual} leases carry the file lock's. */
    @Override
    public boolean tokensSharedAcrossProcesses() {
        return false;
    }

    @Override
    public LockManager createLocks(BackendConfig config) {
        return LocalLockManager.create(LocalLockSettings.builder()
                .meterRegistry(config.meterRegistry().orElse(null))
                .build());
    }

    @Override
    public StatusManager createStatus(BackendConfig config) {
        return LocalStatusManager.create();
    }
}

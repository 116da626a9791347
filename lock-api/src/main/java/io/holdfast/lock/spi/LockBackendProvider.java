package io.holdfast.lock.spi;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import java.util.Optional;

/**
 * A lock backend that {@link io.holdfast.lock.LockService} can find with
 * {@link java.util.ServiceLoader}. A backend module lists its providers in
 * {@code META-INF/services/io.holdfast.lock.spi.LockBackendProvider}.
 *
 * <p>Known names: {@code file} (host-wide file locks and file flags) and {@code local}
 * (in-process), both in {@code io.holdfast:lock-local}; {@code redis} in
 * {@code io.holdfast:lock-redis}. Implementations need a public no-argument constructor and must
 * be thread-safe.
 */
public interface LockBackendProvider {

    /** The backend's short name, the value operators choose it by: {@code file}, {@code redis}. */
    String name();

    /**
     * Creates a lock manager from the settings; the caller closes it.
     *
     * @throws IllegalArgumentException if a setting this backend needs is missing or invalid
     * @throws io.holdfast.lock.LockUnavailableException if the backend cannot be reached
     */
    LockManager createLocks(BackendConfig config);

    /**
     * Creates a status manager from the settings; the caller closes it.
     *
     * @throws IllegalArgumentException if a setting this backend needs is missing or invalid
     * @throws io.holdfast.lock.LockUnavailableException if the backend cannot be reached
     */
    StatusManager createStatus(BackendConfig config);

    /**
     * Creates the status manager of a service whose lock manager this provider just created, so
     * the two can share a connection and an owner id; {@link io.holdfast.lock.LockService} calls
     * this. The caller closes both managers, in either order. By default the same as
     * {@link #createStatus(BackendConfig)}.
     *
     * @param locks the lock manager {@link #createLocks} returned for the same configuration
     * @throws IllegalArgumentException if a setting this backend needs is missing or invalid
     * @throws io.holdfast.lock.LockUnavailableException if the backend cannot be reached
     */
    default StatusManager createStatus(BackendConfig config, LockManager locks) {
        return createStatus(config);
    }

    /**
     * Opens the operator's view of this backend's stored state, for tools such as the
     * {@code holdfast} CLI; the caller closes it. Opening does not connect: the admin connects
     * on its first read. A backend whose state lives only inside its process ({@code local}) has
     * none.
     *
     * @return the admin, or empty when the backend has no state outside its process
     * @throws IllegalArgumentException if a setting this backend needs is missing or invalid
     */
    default Optional<LockAdmin> createAdmin(BackendConfig config) {
        return Optional.empty();
    }
}

package io.holdfast.lock.spi;

import io.holdfast.lock.LockManager;
import io.holdfast.lock.StatusManager;
import java.util.List;
import java.util.Optional;

/**
 * A lock backend that {@link io.holdfast.lock.LockService} can find with
 * {@link java.util.ServiceLoader}. A backend module lists its providers in
 * {@code META-INF/services/io.holdfast.lock.spi.LockBackendProvider} (and in its
 * {@code module-info} with {@code provides}).
 *
 * <p>A provider owns its variables: it names them ({@link #variables()}), parses and validates
 * them ({@link #validate}), with errors that name the variable, and builds its managers from
 * them. {@code LOCK_BACKEND} accepts the {@link #name()} of any provider on the class path. The
 * provider named {@code file} is the one {@code USE_NEW_LOCKS=false} and {@code dual} use.
 * Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface LockBackendProvider {

    /** The backend's short name, the value operators choose it by, such as {@code file}. */
    String name();

    /**
     * One phrase for operators choosing a backend, shown when none is chosen: what the backend
     * is and how it is chosen. By default the name.
     */
    default String description() {
        return name();
    }

    /**
     * The variables this backend reads, such as its address; {@code LockService} collects them
     * from the environment and hands every variable set to every provider. By default none.
     */
    default List<String> variables() {
        return List.of();
    }

    /**
     * Why the variables choose this backend when {@code LOCK_BACKEND} is not set, such as
     * {@code "ADDRESS is set"}; empty (the default) when only {@code LOCK_BACKEND} chooses it.
     */
    default Optional<String> selectedBy(BackendConfig config) {
        return Optional.empty();
    }

    /**
     * Parses and validates this backend's variables; {@code LockService} calls this before
     * creating anything, for the backends it opens and for every backend whose variables are set
     * (so that a mistake never waits for a later mode switch).
     *
     * @param chosen true when the service uses this backend (or would, were the mode to switch
     *     to it): variables the backend cannot work without are then required
     * @return the settings in use and warnings, for the start-up log
     * @throws IllegalArgumentException naming the variable, its value (passwords masked) and
     *     what is accepted
     */
    default BackendSummary validate(BackendConfig config, boolean chosen) {
        return BackendSummary.NONE;
    }

    /**
     * True (the default) when this backend's fencing tokens increase across every process that
     * shares its locks; false when they are per process, so that {@code dual} leases carry the
     * file lock's tokens instead.
     */
    default boolean tokensSharedAcrossProcesses() {
        return true;
    }

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

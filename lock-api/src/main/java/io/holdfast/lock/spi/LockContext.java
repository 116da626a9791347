package io.holdfast.lock.spi;

import java.util.List;
import java.util.Optional;

/**
 * What the manager offers the {@link LockBackend} it is built on: its identity, the loss
 * reporter every grant needs, metrics for backend events and a view of the grants it holds
 * (for renewal, describing a local holder and shutdown). Thread-safe.
 *
 * @param <G> the backend's grant type
 */
public interface LockContext<G extends Grant> {

    /** The backend's short name, as in {@link io.holdfast.lock.LockManager#backend()}. */
    String backend();

    /** The manager's random owner id (128 bits, hex). */
    String ownerId();

    /** The reporter to pass to every {@link Grant} the backend creates. */
    Grant.LossReporter lossReporter();

    /** Where the backend records its own events (renewals, notifications, retries). */
    BackendMetrics metrics();

    /** The holder description used in {@link io.holdfast.lock.LockInfo}: owner id and thread. */
    String holderName(Thread thread);

    /**
     * The grant this JVM holds on {@code resource}, if any: the exclusive one, else the calling
     * thread's shared one, else any shared one.
     */
    Optional<G> localGrant(String resource);

    /** Every grant this JVM holds now, exclusive and shared (for renewal and shutdown). */
    List<G> activeGrants();

    /** True once the manager's {@code close()} was called. */
    boolean isClosed();
}

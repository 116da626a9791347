package io.holdfast.lock.spi;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockManager;
import io.holdfast.lock.LockedCall;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

/**
 * A {@link LockManager} composed of a {@link LockBackend}: the base of a backend's public manager
 * class. It only delegates, to the one manager implementation every backend shares (reentrancy,
 * in-JVM queueing, handoff, loss reporting, metrics), so the public class names no backend
 * internals: it adds its static factories and backend-specific methods, and reaches its backend
 * through {@link #backend(Class)}. Every {@link LockManager} method is final here. Thread-safe.
 */
public abstract class ComposedLockManager implements LockManager {

    private final LockCore<?> core;

    /**
     * Builds the manager, then its backend.
     *
     * @param backend the backend's short name ({@link #backend()}, the metrics' tag)
     * @param fair whether threads of this JVM are granted in arrival order
     * @param registry where to record metrics, or null for none
     * @param factory builds the backend on the manager's context, which it may keep
     * @param <G> the backend's grant type
     */
    protected <G extends Grant> ComposedLockManager(String backend, boolean fair,
            MeterRegistry registry,
            Function<? super LockContext<G>, ? extends LockBackend<G>> factory) {
        this.core = new LockCore<G>(backend, fair, registry,
                Objects.requireNonNull(factory, "factory"));
    }

    /**
     * The backend this manager is built on, as the type the subclass created.
     *
     * @throws ClassCastException if it is not a {@code type}
     */
    protected final <B extends LockBackend<?>> B backend(Class<B> type) {
        return type.cast(core.lockBackend());
    }

    @Override
    public final String backend() {
        return core.backend();
    }

    @Override
    public final Lease acquire(String resource, Duration wait) throws InterruptedException {
        return core.acquire(resource, wait);
    }

    @Override
    public final Lease acquireShared(String resource, Duration wait) throws InterruptedException {
        return core.acquireShared(resource, wait);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A single attempt does not wait, so the calling thread's interrupt flag neither fails it
     * nor is cleared: the backend makes its attempt with the flag hidden, and the flag is set
     * again afterwards. An interrupt that arrives during the attempt makes it fail (empty), and
     * is kept too.
     */
    @Override
    public final Optional<Lease> tryAcquire(String resource) {
        return core.tryAcquire(resource);
    }

    /** {@inheritDoc} The interrupt flag is handled as by {@link #tryAcquire}. */
    @Override
    public final Optional<Lease> tryAcquireShared(String resource) {
        return core.tryAcquireShared(resource);
    }

    @Override
    public final Lease acquireAll(Collection<String> resources, Duration wait)
            throws InterruptedException {
        return core.acquireAll(resources, wait);
    }

    @Override
    public final <T, E extends Exception> T withLock(String resource, Duration wait,
            LockedCall<T, E> body) throws E, InterruptedException {
        return core.withLock(resource, wait, body);
    }

    @Override
    public final Lock asLock(String resource) {
        return core.asLock(resource);
    }

    @Override
    public final Optional<LockInfo> inspect(String resource) {
        return core.inspect(resource);
    }

    @Override
    public final List<LockInfo> heldLocks() {
        return core.heldLocks();
    }

    @Override
    public final void close() {
        core.close();
    }
}

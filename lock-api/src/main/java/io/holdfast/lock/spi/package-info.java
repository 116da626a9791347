/**
 * For backend authors: {@link io.holdfast.lock.spi.LockBackendProvider} is how a backend joins
 * {@link io.holdfast.lock.LockService} (its name, its own variables, which it parses and
 * validates from {@link io.holdfast.lock.spi.BackendConfig}, and its managers); a backend
 * implements {@link io.holdfast.lock.spi.LockBackend} (grant, revoke, describe, optional hooks)
 * with its own {@link io.holdfast.lock.spi.Grant} and is exposed as a subclass of
 * {@link io.holdfast.lock.spi.ComposedLockManager}; the manager it is composed into carries
 * reentrancy, in-JVM queueing, lease handles, handoff, loss reporting and metrics. Not for
 * application code.
 */
package io.holdfast.lock.spi;

/**
 * For backend authors: {@link io.holdfast.lock.spi.LockBackendProvider} is how a backend joins
 * {@link io.holdfast.lock.LockService} (its name, its own variables, which it parses and
 * validates from {@link io.holdfast.lock.spi.BackendConfig}, and its managers);
 * {@link io.holdfast.lock.spi.AbstractLockManager} and {@link io.holdfast.lock.spi.Grant} carry
 * reentrancy, in-JVM queueing, lease handles, loss reporting and metrics, so a backend only
 * grants and revokes. Not for application code.
 */
package io.holdfast.lock.spi;

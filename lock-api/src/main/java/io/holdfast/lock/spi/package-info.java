/**
 * For backend authors: implement {@link io.holdfast.lock.spi.LockBackend} (grant, revoke,
 * describe, optional hooks) with your own {@link io.holdfast.lock.spi.Grant}, and expose it as a
 * subclass of {@link io.holdfast.lock.spi.ComposedLockManager}; the manager it is composed into
 * carries reentrancy, in-JVM queueing, lease handles, handoff, loss reporting and metrics. Not for
 * application code.
 */
package io.holdfast.lock.spi;

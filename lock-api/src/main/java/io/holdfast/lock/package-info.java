/**
 * The holdfast API: {@link io.holdfast.lock.LockManager} grants reentrant, fenced
 * {@link io.holdfast.lock.Lease leases}; {@link io.holdfast.lock.StatusManager} keeps status flags
 * with a time to live. Backends live in their own modules ({@code lock-local}, {@code lock-redis}).
 */
package io.holdfast.lock;

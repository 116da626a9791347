/**
 * Locks and status flags without a server: {@link io.holdfast.lock.local.LocalLockManager} and
 * {@link io.holdfast.lock.local.LocalStatusManager} within one JVM,
 * {@link io.holdfast.lock.local.FileLockManager} and
 * {@link io.holdfast.lock.local.FileStatusManager} across the processes of one host, and
 * {@link io.holdfast.lock.local.AtomicFiles} for crash-safe file updates.
 */
package io.holdfast.lock.local;

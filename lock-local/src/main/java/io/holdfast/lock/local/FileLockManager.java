package io.holdfast.lock.local;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.local.internal.FileLocks;
import io.holdfast.lock.spi.ComposedLockManager;
import io.holdfast.lock.spi.FencingCounter;
import io.holdfast.lock.spi.LockContext;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Host-wide locks: exclusive across the threads and the processes of one machine that use the same
 * directory, through OS file locks ({@code fcntl} on Linux).
 *
 * <p>Shared locks ({@link #acquireShared}) are OS shared locks on the same file: the threads of
 * this JVM share one, and it prefers writers across processes (a waiting exclusive request
 * announces itself in the file and new shared requests wait for it). Shared grants draw their
 * tokens from the same counter, so tokens increase across shared and exclusive grants.
 *
 * <p>Each resource has a lock file {@code <directory>/<encoded name>.lock}. Threads of this JVM
 * queue in memory; one at a time takes the OS lock, waiting for other processes by polling with a
 * backoff from 50µs up to {@link FileLockSettings#maxPollInterval()}. Waiting processes announce
 * themselves, and a process that finds others waiting lets them try first (for twice that
 * interval), so processes that acquire back to back take turns instead of one starving the
 * others. The OS drops the lock when its process dies, so a crashed holder never leaves a stale
 * lock.
 *
 * <p>The fencing token is {@code max(counter + 1, wall-clock microseconds)}, the counter kept in
 * the lock file and written under the OS lock, so tokens strictly increase across processes and
 * keep increasing when a lock file is lost (removed, truncated, replaced, or its temporary
 * directory emptied at boot) unless the clock steps back. Lock files are never deleted: one small
 * file per resource name stays in the directory. The counter is not fsynced: after a power loss
 * the clock floor is what keeps tokens increasing.
 *
 * <p>Safety of the directory: it must be owned by the user running the process and writable by
 * no one else (see {@link FileLockSettings#directory()}); lock files are never opened through a
 * symbolic link. After locking, the path must still name the locked file, else the lock is taken
 * again on the file it names now. A lock file removed or replaced while held lets another process
 * lock the new file: the holder's {@link io.holdfast.lock.Lease#release()} then returns false,
 * and the new holder's token is greater. Processes of different users cannot share a directory;
 * network file systems are not supported. Thread-safe.
 *
 * <p>Do not open lock files yourself: POSIX drops a process's locks on a file when any of its
 * descriptors of the file is closed. holdfast keeps other processes out even then (a holder line
 * of a live process counts as held) and never closes a descriptor of a file another copy of
 * holdfast in this JVM may hold (see {@link #lockFile}); use {@link #inspect} to see the holder.
 */
public final class FileLockManager extends ComposedLockManager implements FencingCounter {

    private final FileLocks files;

    private FileLockManager(FileLockSettings settings) {
        super("file", settings.fair(), settings.meterRegistry().orElse(null),
                (LockContext<FileLocks.FileGrant> context) -> new FileLocks(context, settings));
        this.files = backend(FileLocks.class);
    }

    /**
     * A manager keeping its lock files in {@link FileLockSettings#directory()}.
     *
     * @throws io.holdfast.lock.LockUnavailableException naming the directory, the problem and the
     *     fix if it cannot be created or is not safe (owned by another user, writable by others)
     */
    public static FileLockManager create(FileLockSettings settings) {
        return new FileLockManager(Objects.requireNonNull(settings, "settings"));
    }

    /**
     * The lock file of {@code resource} (whether or not it exists yet). Do not open it while this
     * process may hold the lock: closing any descriptor of it drops the process's OS lock (other
     * processes still see the holder line, but use {@link #inspect} instead).
     */
    public Path lockFile(String resource) {
        return files.lockFile(Names.require("resource", resource));
    }

    /**
     * Raises the counter in the lock file of {@code lease}'s resource to at least {@code token},
     * so that the next grant's token is greater (used by {@code USE_NEW_LOCKS=dual}, whose leases
     * carry the new backend's tokens).
     *
     * @throws IllegalArgumentException if {@code lease} is not a held lease of this manager on
     *     the calling thread
     * @throws LockUnavailableException if the lock file cannot be written
     */
    @Override
    public void raiseCounter(Lease lease, long token) {
        files.raiseCounter(lease, token, this);
    }

    @Override
    public String toString() {
        return "FileLockManager[" + files + "]";
    }
}

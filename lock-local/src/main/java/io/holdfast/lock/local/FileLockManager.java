package io.holdfast.lock.local;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.internal.Names;
import io.holdfast.lock.local.internal.LockDirectory;
import io.holdfast.lock.local.internal.LockRecord;
import io.holdfast.lock.local.internal.OsLock;
import io.holdfast.lock.spi.AbstractLockManager;
import io.holdfast.lock.spi.FencingCounter;
import io.holdfast.lock.spi.Grant;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

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
public final class FileLockManager extends AbstractLockManager<FileLockManager.FileGrant>
        implements FencingCounter {

    private static final System.Logger LOG = System.getLogger(FileLockManager.class.getName());
    private static final long PID = ProcessHandle.current().pid();
    private static final String SUFFIX = ".lock";
    /** How {@link #inspect} marks a lock held shared. */
    private static final String SHARED_BY = "shared by ";

    private final LockDirectory directory;
    private final Duration maxPoll;

    private FileLockManager(FileLockSettings settings) {
        super("file", settings.fair(), settings.meterRegistry().orElse(null));
        this.directory = LockDirectory.open(settings.directory(), "lock");
        this.maxPoll = settings.maxPollInterval();
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
        return directory.fileFor(Names.require("resource", resource), SUFFIX);
    }

    @Override
    protected FileGrant grant(String resource, long deadlineNanos) throws InterruptedException {
        return attempt(resource, deadlineNanos, false);
    }

    @Override
    protected boolean supportsShared() {
        return true;
    }

    @Override
    protected FileGrant grantShared(String resource, long deadlineNanos)
            throws InterruptedException {
        return attempt(resource, deadlineNanos, true);
    }

    private FileGrant attempt(String resource, long deadlineNanos, boolean shared)
            throws InterruptedException {
        long start = System.nanoTime();
        if (deadlineNanos - start > 0) {
            return shared ? shareAndCount(resource, start, deadlineNanos)
                    : lockAndCount(resource, start, deadlineNanos);
        }
        // A single attempt never waits, so an interrupt must not fail it; but file channels close
        // themselves when used by an interrupted thread. Hide the flag for the attempt.
        boolean interrupted = Thread.interrupted();
        try {
            return shared ? shareAndCount(resource, start, deadlineNanos)
                    : lockAndCount(resource, start, deadlineNanos);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FileGrant shareAndCount(String resource, long start, long deadlineNanos)
            throws InterruptedException {
        OsLock os = OsLock.acquireShared(directory, directory.fileFor(resource, SUFFIX),
                deadlineNanos, maxPoll, this::isClosed, LockRecord::heldByOtherLiveProcess);
        if (os == null) {
            return null;
        }
        try {
            long token = os.nextToken(counter -> LockRecord.nextToken(counter, Clock.systemUTC()));
            return new FileGrant(resource, token, Instant.now(), start, this, os);
        } catch (RuntimeException e) {
            os.close();
            throw e;
        }
    }

    private FileGrant lockAndCount(String resource, long start, long deadlineNanos)
            throws InterruptedException {
        Path file = directory.fileFor(resource, SUFFIX);
        OsLock os = OsLock.acquire(directory, file, deadlineNanos, maxPoll, this::isClosed,
                LockRecord::heldByOtherLiveProcess);
        if (os == null) {
            return null;
        }
        try {
            FileChannel ch = os.channel();
            Instant now = Instant.now();
            long token = LockRecord.nextToken(LockRecord.counter(os.content()), Clock.systemUTC());
            byte[] content = LockRecord.held(token, ownerId(), Thread.currentThread(), now);
            write(ch, content);
            ch.truncate(content.length);
            os.publish(content);
            return new FileGrant(resource, token, now, start, this, os);
        } catch (ClosedByInterruptException e) {
            os.close();
            Thread.interrupted();
            throw new InterruptedException("interrupted while taking the lock on " + file);
        } catch (IOException | RuntimeException e) {
            os.close();
            throw new LockUnavailableException("cannot update lock file " + file + ": " + e, e);
        }
    }

    @Override
    protected boolean revoke(FileGrant grant) {
        if (grant.os.isShared()) {
            boolean exclusive = grant.os.stillNamesLockedFile();
            grant.os.close(); // readers leave no holder line
            return exclusive;
        }
        boolean interrupted = Thread.interrupted(); // else the channel would close before the write
        try {
            boolean exclusive = grant.os.stillNamesLockedFile();
            if (!exclusive) {
                LOG.log(System.Logger.Level.WARNING, "lock file of ''{0}'' was removed or replaced"
                        + " while held (fencing token {1}): another process may have held the lock"
                        + " meanwhile; keep lock files in place", grant.resource(), grant.fencingToken());
            }
            try {
                grant.os.channel().truncate(LockRecord.COUNTER_BYTES); // forget the holder, keep the counter
            } catch (IOException e) {
                // releasing below is what matters; the holder line is ignored once this process ends
            }
            return exclusive;
        } finally {
            grant.os.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
        Objects.requireNonNull(lease, "lease");
        FileGrant g = localGrant(lease.resource())
                .filter(x -> x.thread() == Thread.currentThread() && lease.isHeld()
                        && x.fencingToken() == lease.fencingToken())
                .orElseThrow(() -> new IllegalArgumentException(lease + " is not a lease of " + this
                        + " held by thread " + Thread.currentThread().getName()));
        g.os.nextToken(counter -> Math.max(counter, token));
    }

    @Override
    protected Optional<LockInfo> describe(String resource) {
        Optional<FileGrant> mine = localGrant(resource);
        if (mine.isPresent()) {
            FileGrant g = mine.get();
            return Optional.of(new LockInfo(resource, (g.isShared() ? SHARED_BY : "")
                    + LockRecord.holderName(ownerId(), g.thread().getName(), PID), g.fencingToken(),
                    g.acquiredAt(), Optional.empty()));
        }
        return OsLock.probe(directory.fileFor(resource, SUFFIX), LockRecord::heldByOtherLiveProcess)
                .map(content -> LockRecord.describe(resource, content).orElseGet(() ->
                        new LockInfo(resource, SHARED_BY + "readers (no exclusive holder)",
                                LockRecord.counter(content), Instant.EPOCH, Optional.empty())));
    }

    @Override
    public String toString() {
        return "FileLockManager[" + directory + ", " + ownerId().substring(0, 8) + "]";
    }

    private static void write(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf, buf.position());
        }
    }

    /** A hold of one lock file. */
    static final class FileGrant extends Grant {
        final OsLock os;

        FileGrant(String resource, long token, Instant at, long startNanos, FileLockManager m, OsLock os) {
            super(resource, token, at, startNanos, m.lossReporter());
            this.os = os;
        }
    }
}

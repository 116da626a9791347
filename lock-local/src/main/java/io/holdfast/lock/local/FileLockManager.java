package io.holdfast.lock.local;

import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.local.internal.LockDirectory;
import io.holdfast.lock.local.internal.LockRecord;
import io.holdfast.lock.local.internal.OsLock;
import io.holdfast.lock.spi.AbstractLockManager;
import io.holdfast.lock.spi.Grant;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Host-wide locks: exclusive across the threads and the processes of one machine that use the same
 * directory, through OS file locks ({@code fcntl} on Linux).
 *
 * <p>Each resource has a lock file {@code <directory>/<encoded name>.lock}. Threads of this JVM
 * queue in memory; one at a time takes the OS lock, waiting for other processes by polling with a
 * backoff from 50µs up to {@link FileLockSettings#maxPollInterval()}. Waiting processes announce
 * themselves, and a process that finds others waiting lets them try first (for twice that
 * interval), so processes that acquire back to back take turns instead of one starving the
 * others. The OS drops the lock when its process dies, so a crashed holder never leaves a stale
 * lock.
 *
 * <p>The fencing token is a counter kept in the lock file and incremented under the OS lock, so it
 * strictly increases across processes. For that reason <b>lock files are never deleted</b>: one
 * small file per resource name stays in the directory (deleting a file another process is about
 * to lock would also let two processes lock different files of the same name). The counter is not
 * fsynced: after a power loss tokens may repeat, not after a process crash. Network file systems
 * are not supported. Lock files get the process's umask: processes of different users need a
 * directory and umask that let each of them write every lock file. Thread-safe.
 */
public final class FileLockManager extends AbstractLockManager<FileLockManager.FileGrant> {

    private static final long PID = ProcessHandle.current().pid();

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
     * @throws io.holdfast.lock.LockUnavailableException naming the directory if it cannot be
     *     created or written
     */
    public static FileLockManager create(FileLockSettings settings) {
        return new FileLockManager(Objects.requireNonNull(settings, "settings"));
    }

    /** The lock file of {@code resource} (whether or not it exists yet). */
    public Path lockFile(String resource) {
        return directory.fileFor(io.holdfast.lock.internal.Names.require("resource", resource), ".lock");
    }

    @Override
    protected FileGrant grant(String resource, long deadlineNanos) throws InterruptedException {
        long start = System.nanoTime();
        if (deadlineNanos - start > 0) {
            return lockAndCount(resource, start, deadlineNanos);
        }
        // A single attempt never waits, so an interrupt must not fail it; but file channels close
        // themselves when used by an interrupted thread. Hide the flag for the attempt.
        boolean interrupted = Thread.interrupted();
        try {
            return lockAndCount(resource, start, deadlineNanos);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FileGrant lockAndCount(String resource, long start, long deadlineNanos)
            throws InterruptedException {
        Path file = directory.fileFor(resource, ".lock");
        OsLock os = OsLock.acquire(file, deadlineNanos, maxPoll, this::isClosed);
        if (os == null) {
            return null;
        }
        try {
            FileChannel ch = os.channel();
            long token = LockRecord.counter(OsLock.readAll(ch)) + 1;
            Instant now = Instant.now();
            byte[] content = LockRecord.held(token, ownerId(), Thread.currentThread(), now);
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf, buf.position());
            }
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
        boolean interrupted = Thread.interrupted(); // else the channel would close before the write
        try {
            grant.os.channel().truncate(LockRecord.COUNTER_BYTES); // forget the holder, keep the counter
        } catch (IOException e) {
            // releasing below is what matters; a stale holder line is ignored once the lock is free
        } finally {
            grant.os.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }

    @Override
    protected Optional<LockInfo> describe(String resource) {
        Optional<FileGrant> mine = localGrant(resource);
        if (mine.isPresent()) {
            FileGrant g = mine.get();
            return Optional.of(new LockInfo(resource,
                    LockRecord.holderName(ownerId(), g.thread().getName(), PID), g.fencingToken(),
                    g.acquiredAt(), Optional.empty()));
        }
        return OsLock.probe(directory.fileFor(resource, ".lock"))
                .flatMap(content -> LockRecord.describe(resource, content));
    }

    @Override
    public String toString() {
        return "FileLockManager[" + directory + ", " + ownerId().substring(0, 8) + "]";
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

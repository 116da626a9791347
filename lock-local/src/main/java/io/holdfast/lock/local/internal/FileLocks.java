package io.holdfast.lock.local.internal;

import io.holdfast.lock.Lease;
import io.holdfast.lock.LockInfo;
import io.holdfast.lock.LockUnavailableException;
import io.holdfast.lock.local.FileLockSettings;
import io.holdfast.lock.spi.Grant;
import io.holdfast.lock.spi.LockBackend;
import io.holdfast.lock.spi.LockContext;
import io.holdfast.lock.spi.LockMode;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend of {@link io.holdfast.lock.local.FileLockManager} (whose Javadoc describes the
 * behaviour): one OS file lock per resource and JVM, exclusive or shared, and the token counter
 * kept in the lock file.
 */
public final class FileLocks implements LockBackend<FileLocks.FileGrant> {

    private static final Logger LOG = LoggerFactory.getLogger(FileLocks.class);
    private static final long PID = ProcessHandle.current().pid();
    private static final String SUFFIX = ".lock";
    /** How {@code inspect} marks a lock held shared. */
    private static final String SHARED_BY = "shared by ";

    private final LockContext<FileGrant> context;
    private final LockDirectory directory;
    private final Duration maxPoll;

    /**
     * Opens the directory of {@code settings}.
     *
     * @throws LockUnavailableException if it cannot be created or is not safe
     */
    public FileLocks(LockContext<FileGrant> context, FileLockSettings settings) {
        this.context = context;
        this.directory = LockDirectory.open(settings.directory(), "lock");
        this.maxPoll = settings.maxPollInterval();
    }

    /** The lock file of {@code resource}, whose name is valid. */
    public Path lockFile(String resource) {
        return directory.fileFor(resource, SUFFIX);
    }

    @Override
    public boolean supportsShared() {
        return true;
    }

    @Override
    public FileGrant grant(String resource, long deadlineNanos, LockMode mode)
            throws InterruptedException {
        boolean shared = mode == LockMode.SHARED;
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
                deadlineNanos, maxPoll, context::isClosed, LockRecord::heldByOtherLiveProcess);
        if (os == null) {
            return null;
        }
        try {
            long token = os.nextToken(counter -> LockRecord.nextToken(counter, Clock.systemUTC()));
            return new FileGrant(resource, token, Instant.now(), start, context.lossReporter(), os);
        } catch (RuntimeException e) {
            os.close();
            throw e;
        }
    }

    private FileGrant lockAndCount(String resource, long start, long deadlineNanos)
            throws InterruptedException {
        Path file = directory.fileFor(resource, SUFFIX);
        OsLock os = OsLock.acquire(directory, file, deadlineNanos, maxPoll, context::isClosed,
                LockRecord::heldByOtherLiveProcess);
        if (os == null) {
            return null;
        }
        try {
            FileChannel ch = os.channel();
            Instant now = Instant.now();
            long token = LockRecord.nextToken(LockRecord.counter(os.content()), Clock.systemUTC());
            byte[] content = LockRecord.held(token, context.ownerId(), Thread.currentThread(), now);
            write(ch, content);
            ch.truncate(content.length);
            os.publish(content);
            return new FileGrant(resource, token, now, start, context.lossReporter(), os);
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
    public boolean revoke(FileGrant grant) {
        if (grant.os.isShared()) {
            boolean exclusive = grant.os.stillNamesLockedFile();
            grant.os.close(); // readers leave no holder line
            return exclusive;
        }
        boolean interrupted = Thread.interrupted(); // else the channel would close before the write
        try {
            boolean exclusive = grant.os.stillNamesLockedFile();
            if (!exclusive) {
                LOG.warn("lock file of '{}' was removed or replaced while held (fencing token {}):"
                        + " another process may have held the lock meanwhile; keep lock files in"
                        + " place", grant.resource(), grant.fencingToken());
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
     * Raises the counter in the lock file of {@code lease}'s resource to at least {@code token}.
     *
     * @param manager the manager, for the message
     * @throws IllegalArgumentException if {@code lease} is not a held lease of this manager on
     *     the calling thread
     */
    public void raiseCounter(Lease lease, long token, Object manager) {
        Objects.requireNonNull(lease, "lease");
        FileGrant g = context.localGrant(lease.resource())
                .filter(x -> x.thread() == Thread.currentThread() && lease.isHeld()
                        && x.fencingToken() == lease.fencingToken())
                .orElseThrow(() -> new IllegalArgumentException(lease + " is not a lease of "
                        + manager + " held by thread " + Thread.currentThread().getName()));
        g.os.nextToken(counter -> Math.max(counter, token));
    }

    @Override
    public String toString() {
        return directory + ", " + context.ownerId().substring(0, 8);
    }

    @Override
    public Optional<LockInfo> describe(String resource) {
        Optional<FileGrant> mine = context.localGrant(resource);
        if (mine.isPresent()) {
            FileGrant g = mine.get();
            return Optional.of(new LockInfo(resource, (g.isShared() ? SHARED_BY : "")
                    + LockRecord.holderName(context.ownerId(), g.thread().getName(), PID), g.fencingToken(),
                    g.acquiredAt(), Optional.empty()));
        }
        return OsLock.probe(directory.fileFor(resource, SUFFIX), LockRecord::heldByOtherLiveProcess)
                .map(content -> LockRecord.describe(resource, content).orElseGet(() ->
                        new LockInfo(resource, SHARED_BY + "readers (no exclusive holder)",
                                LockRecord.counter(content), Instant.EPOCH, Optional.empty())));
    }

    private static void write(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf, buf.position());
        }
    }

    /** A hold of one lock file. */
    public static final class FileGrant extends Grant {
        final OsLock os;

        FileGrant(String resource, long token, Instant at, long startNanos, LossReporter reporter,
                OsLock os) {
            super(resource, token, at, startNanos, reporter);
            this.os = os;
        }
    }
}

package io.holdfast.lock.local.internal;

import io.holdfast.lock.LockUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * An exclusive OS lock ({@code fcntl} on Linux) on one file, held by one thread of this JVM.
 *
 * <p>POSIX drops <em>all</em> of a process's locks on a file when <em>any</em> descriptor of that
 * file is closed, and the JDK refuses overlapping locks within one JVM. So every access to a lock
 * file in this JVM, by any manager, first takes a JVM-wide permit for the file (a {@link Semaphore},
 * because a lock may be released by another thread on close). Only the permit holder opens the
 * file; others wait on the permit, without polling. Across processes, waiting polls an exclusive
 * lock on the lock region (every byte but the last possible one) with a backoff from 50µs up to a
 * cap.
 *
 * <p>Fairness across processes: a process that waits announces it with a shared lock on the
 * waiters byte (the last possible offset, never written). An acquirer that finds another process
 * announced (its exclusive test on that byte fails) yields: it announces itself and does not try
 * the lock for twice the poll cap (unless its deadline comes first), so every polling waiter gets
 * an attempt first. Without this a process that releases and acquires again re-takes the lock
 * before any waiter polls, and the other processes starve.
 *
 * <p>The permit holder also publishes the latest known holder record of the file, so that
 * {@link #probe} can answer without opening the file while this JVM uses it.
 */
public final class OsLock implements AutoCloseable {

    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The waiters byte: shared-locked by processes waiting for the lock region. */
    private static final long WAITERS_BYTE = Long.MAX_VALUE - 1;
    /** The lock region, {@code [0, WAITERS_BYTE)}: the file content and far beyond. */
    private static final long LOCK_REGION = WAITERS_BYTE;
    private static final ConcurrentHashMap<Path, Slot> SLOTS = new ConcurrentHashMap<>();

    private final Path file;
    private final Slot slot;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean released = new AtomicBoolean();

    private OsLock(Path file, Slot slot, FileChannel channel, FileLock lock) {
        this.file = file;
        this.slot = slot;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code file} (created if missing) for the calling thread.
     *
     * @param deadlineNanos the {@link System#nanoTime()} to give up at; one attempt if passed
     * @param maxPoll the longest pause between two attempts while another process holds the lock
     * @param closed true once the owner was closed: a waiter then gives up (checked every 100ms)
     * @return the held lock, or null if not granted by the deadline
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if {@code closed} turned true while waiting
     * @throws LockUnavailableException if the file cannot be opened or locked
     */
    public static OsLock acquire(Path file, long deadlineNanos, Duration maxPoll,
            BooleanSupplier closed) throws InterruptedException {
        Slot slot = join(file);
        boolean permitted = false;
        OsLock result = null;
        try {
            permitted = awaitPermit(file, slot, deadlineNanos, closed);
            if (permitted) {
                result = lockFile(file, slot, deadlineNanos, maxPoll.toNanos(), closed);
            }
            return result;
        } finally {
            if (result == null) {
                if (permitted) {
                    slot.record = null;
                    slot.permit.release();
                }
                leave(file, slot);
            }
        }
    }

    /**
     * The holder record of {@code file} if some process holds its lock, without disturbing a
     * holder in this JVM: answered from memory while this JVM uses the file, otherwise by testing
     * the lock and reading the file.
     *
     * @return the record bytes (whatever the holder wrote), or empty when the lock is free
     */
    public static Optional<byte[]> probe(Path file) {
        Slot slot = join(file);
        try {
            for (int i = 0; i < 50; i++) {
                if (slot.permit.tryAcquire()) {
                    try {
                        return probeUnderPermit(file);
                    } finally {
                        slot.permit.release();
                    }
                }
                byte[] known = slot.record;
                if (known != null) {
                    return Optional.of(known);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            return Optional.empty(); // this JVM is busy with the file but knows no holder yet
        } finally {
            leave(file, slot);
        }
    }

    /** The locked file's channel, for reading and writing its content while held. */
    public FileChannel channel() {
        return channel;
    }

    /** Publishes what {@link #probe} reports for this file while this lock is held. */
    public void publish(byte[] record) {
        slot.record = record;
    }

    /** Releases the lock and closes the file; idempotent, callable from any thread. */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        slot.record = null;
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // closing the channel below releases the lock anyway
        } finally {
            closeQuietly(channel);
            slot.permit.release();
            leave(file, slot);
        }
    }

    @Override
    public String toString() {
        return "OsLock[" + file + (released.get() ? ", released" : ", held") + "]";
    }

    private static boolean awaitPermit(Path file, Slot slot, long deadlineNanos, BooleanSupplier closed)
            throws InterruptedException {
        while (true) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return slot.permit.tryAcquire();
            }
            if (slot.permit.tryAcquire(Math.min(remaining, CLOSE_CHECK_NANOS), TimeUnit.NANOSECONDS)) {
                return true;
            }
            checkOpen(file, closed);
        }
    }

    private static void checkOpen(Path file, BooleanSupplier closed) {
        if (closed.getAsBoolean()) {
            throw new IllegalStateException("stopped waiting for the lock on " + file
                    + ": the manager was closed");
        }
    }

    private static OsLock lockFile(Path file, Slot slot, long deadlineNanos, long maxPollNanos,
            BooleanSupplier closed) throws InterruptedException {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
            long backoff = FIRST_BACKOFF_NANOS;
            long start = System.nanoTime();
            boolean yielding = deadlineNanos - start > 0 && othersWait(ch);
            long yieldUntil = start + (yielding ? 2 * maxPollNanos : 0);
            FileLock waiting = null;
            while (true) {
                long now = System.nanoTime();
                if (now - yieldUntil >= 0 || deadlineNanos - now <= 0) {
                    FileLock fl = ch.tryLock(0, LOCK_REGION, false);
                    if (fl != null) {
                        if (waiting != null) {
                            waiting.release();
                        }
                        OsLock held = new OsLock(file, slot, ch, fl);
                        ch = null;
                        return held;
                    }
                    slot.record = readAll(ch);
                }
                if (waiting == null) {
                    waiting = ch.tryLock(WAITERS_BYTE, 1, true); // null while an acquirer tests it
                }
                now = System.nanoTime();
                long remaining = deadlineNanos - now;
                if (remaining <= 0) {
                    return null;
                }
                long pause = Math.min(backoff, remaining);
                if (yieldUntil - now > 0) {
                    pause = Math.min(pause, yieldUntil - now);
                }
                LockSupport.parkNanos(pause);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for the lock on " + file);
                }
                checkOpen(file, closed);
                backoff = Math.min(backoff * 2, maxPollNanos);
            }
        } catch (ClosedByInterruptException e) {
            Thread.interrupted();
            throw new InterruptedException("interrupted while locking " + file);
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("this JVM already locks " + file + " through another"
                    + " path (a symbolic link?); use one spelling of the lock directory", e);
        } catch (IOException e) {
            throw new LockUnavailableException("cannot lock file " + file + ": " + e, e);
        } finally {
            closeQuietly(ch);
        }
    }

    private static Optional<byte[]> probeUnderPermit(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock fl = ch.tryLock(0, LOCK_REGION, false);
            if (fl != null) {
                fl.release();
                return Optional.empty();
            }
            return Optional.of(readAll(ch));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LockUnavailableException("cannot read lock file " + file + ": " + e, e);
        }
    }

    /** True if another process announces that it waits for the lock on {@code ch}'s file. */
    private static boolean othersWait(FileChannel ch) {
        try {
            FileLock test = ch.tryLock(WAITERS_BYTE, 1, false);
            if (test == null) {
                return true;
            }
            test.release();
            return false;
        } catch (IOException | OverlappingFileLockException e) {
            return false; // only fairness is at stake
        }
    }

    /** Reads the whole file with positional reads (the channel's position is not used). */
    public static byte[] readAll(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 64 * 1024));
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // keep reading
        }
        return buf.flip().remaining() == buf.capacity() ? buf.array()
                : java.util.Arrays.copyOf(buf.array(), buf.remaining());
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do: the descriptor is gone either way
            }
        }
    }

    private static Slot join(Path file) {
        return SLOTS.compute(file, (k, s) -> {
            Slot slot = s == null ? new Slot() : s;
            slot.users++;
            return slot;
        });
    }

    private static void leave(Path file, Slot slot) {
        SLOTS.computeIfPresent(file, (k, s) -> s == slot && --s.users == 0 ? null : s);
    }

    /** This JVM's gate to one file: one permit, and the holder record last seen. */
    private static final class Slot {
        final Semaphore permit = new Semaphore(1);
        /** Threads using the slot; guarded by the map's compute. */
        int users;
        volatile byte[] record;
    }
}

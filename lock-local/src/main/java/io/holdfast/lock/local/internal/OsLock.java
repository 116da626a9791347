package io.holdfast.lock.local.internal;

import io.holdfast.lock.LockUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;

/**
 * An exclusive OS lock ({@code fcntl} on Linux) on one file of a {@link LockDirectory}, held by
 * one thread of this JVM, or a share of this JVM's shared OS lock on it.
 *
 * <p><b>Descriptors.</b> POSIX drops <em>all</em> of a process's locks on a file when <em>any</em>
 * descriptor of it is closed, and the JDK refuses overlapping locks within one JVM. Three rules
 * keep a holder's lock:
 * <ol>
 * <li>In this copy of holdfast, a thread takes a permit per file <em>identity</em> (device and
 *     inode, so that two spellings of a directory, or two hard links, share it) before it opens
 *     the file, so only the permit holder has a descriptor of it. The permit is a
 *     {@link Semaphore} because a lock may be released by another thread on close.
 * <li>Across copies of holdfast in other class loaders of this JVM (two web applications), which
 *     have permits of their own: the permit holder then takes a shared lock on the <em>gate
 *     byte</em> through its descriptor. The JDK's lock table is one per JVM, so one descriptor at
 *     a time has the gate, and only a descriptor that has it locks the file or is closed. One
 *     that cannot get it (another copy uses the file) is never closed while it lacks it: it is
 *     parked, reused by the next attempt on the file, and closed once it gets the gate. (Channel
 *     calls run with the interrupt flag checked and hidden, but an interrupt that lands during
 *     one makes the JDK close the channel; without the gate, that could still drop another
 *     copy's lock.)
 * <li>Against other code of this process that closes a descriptor of the file anyway (reading
 *     the lock file, or a copy of holdfast without the gate): the caller's {@code heldElsewhere}
 *     test of the file content, by which a holder line of another live process counts as held
 *     although the OS lock is free ({@link LockRecord#heldByOtherLiveProcess}).
 * </ol>
 *
 * <p><b>Identity.</b> The path must still name the file once it is locked: a file removed or
 * replaced meanwhile is let go and the lock taken on the file the path names now. A missing file
 * is created (never through a symbolic link), a missing directory created again.
 *
 * <p><b>Fairness across processes.</b> Waiting polls an exclusive lock on the lock region with a
 * backoff from 50µs up to a cap. A process that waits announces it with a shared lock on the
 * waiters byte. An acquirer that finds another process announced yields: it announces itself and
 * does not try the lock for twice the poll cap (unless its deadline comes first), so every polling
 * waiter gets an attempt first. Without this a process that releases and acquires again re-takes
 * the lock before any waiter polls, and the other processes starve.
 *
 * <p><b>Shared locks.</b> The JDK refuses two overlapping locks in one JVM, shared or not, so the
 * threads of this copy share one shared OS lock per file ({@link #acquireShared}): the first
 * takes the permit and the lock, the others join it, the last one out releases both. Writers are
 * preferred: an exclusive request of this JVM waiting for the permit, or one of another process
 * announced on the intent byte while it polls, keeps new shares from being taken, so the shared
 * holders drain and the writer gets the lock. Shared holders of several processes raise the
 * fencing counter under a short exclusive lock of the counter byte ({@link #nextToken}).
 *
 * <p>Byte ranges are those of {@link LockFiles}. The permit holder publishes the latest known
 * holder record, so that {@link #probe} can answer without opening the file while this JVM uses
 * it.
 */
public final class OsLock implements AutoCloseable {

    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Re-locks after the path changed that a single attempt makes before it gives up. */
    private static final int SINGLE_ATTEMPT_MOVES = 4;
    private static final ConcurrentHashMap<Object, Slot> SLOTS = new ConcurrentHashMap<>();
    private static final ParkedChannels PARKED = new ParkedChannels();

    private final Path file;
    private final Object key;
    private final Slot slot;
    private final FileChannel channel;
    private final FileLock lock;
    private final byte[] content;
    /** The JVM's shared hold this lock is a share of; null for an exclusive lock. */
    private final SharedHold hold;
    private final AtomicBoolean released = new AtomicBoolean();

    private OsLock(Path file, Object key, Slot slot, FileChannel channel, FileLock lock,
            byte[] content, SharedHold hold) {
        this.file = file;
        this.key = key;
        this.slot = slot;
        this.channel = channel;
        this.lock = lock;
        this.content = content;
        this.hold = hold;
    }

    /**
     * Locks {@code file} of {@code dir} (created if missing) for the calling thread.
     *
     * @param deadlineNanos the {@link System#nanoTime()} to give up at; one attempt if passed
     * @param maxPoll the longest pause between two attempts while another process holds the lock
     * @param closed true once the owner was closed: a waiter then gives up (checked every 100ms)
     * @param heldElsewhere true for file content that shows the lock held although the OS lock was
     *     granted (see the class description)
     * @return the held lock, or null if not granted by the deadline
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if {@code closed} turned true while waiting
     * @throws LockUnavailableException if the file cannot be created, opened or locked
     */
    public static OsLock acquire(LockDirectory dir, Path file, long deadlineNanos, Duration maxPoll,
            BooleanSupplier closed, Predicate<byte[]> heldElsewhere) throws InterruptedException {
        long maxPollNanos = maxPoll.toNanos();
        return onIdentifiedFile(dir, file, deadlineNanos, (key, slot) -> {
            boolean announce = deadlineNanos - System.nanoTime() > 0;
            if (announce) {
                slot.writersWaiting.incrementAndGet(); // no new shares while this request waits
            }
            boolean permitted;
            try {
                permitted = awaitPermit(file, slot, deadlineNanos, closed);
            } finally {
                if (announce) {
                    slot.writersWaiting.decrementAndGet();
                }
            }
            if (!permitted) {
                return Attempt.NOT_GRANTED;
            }
            Object outcome = null;
            try {
                outcome = lockFile(file, key, slot, deadlineNanos, maxPollNanos, closed,
                        heldElsewhere);
                return outcome;
            } finally {
                if (!(outcome instanceof OsLock)) {
                    slot.record = null;
                    slot.permit.release();
                }
            }
        });
    }

    /** One attempt on the file of a key: an {@link OsLock}, or an {@link Attempt}. */
    @FunctionalInterface
    private interface SlotAttempt {
        Object run(Object key, Slot slot) throws InterruptedException;
    }

    /**
     * Runs {@code attempt} on the file {@code file} names, identified (created if missing) and
     * joined, again on the file it names now while the attempt finds it moved.
     */
    private static OsLock onIdentifiedFile(LockDirectory dir, Path file, long deadlineNanos,
            SlotAttempt attempt) throws InterruptedException {
        PARKED.drain();
        for (int moves = 0; ; moves++) {
            Object key = LockFiles.identify(dir, file, PARKED);
            Slot slot = join(key);
            Object outcome = null;
            try {
                outcome = attempt.run(key, slot);
                if (outcome instanceof OsLock) {
                    return (OsLock) outcome;
                }
            } finally {
                if (!(outcome instanceof OsLock)) {
                    leave(key, slot);
                }
            }
            if (outcome != Attempt.MOVED
                    || (deadlineNanos - System.nanoTime() <= 0 && moves >= SINGLE_ATTEMPT_MOVES)) {
                return null;
            }
        }
    }

    /**
     * Takes a share of this JVM's shared lock on {@code file} of {@code dir} (created if missing)
     * for the calling thread, taking the OS lock if this JVM has none. Parameters as for
     * {@link #acquire}. Waits while an exclusive request of this JVM, or one another process
     * announced, waits for the file.
     *
     * @return the share, or null if not granted by the deadline
     */
    public static OsLock acquireShared(LockDirectory dir, Path file, long deadlineNanos,
            Duration maxPoll, BooleanSupplier closed, Predicate<byte[]> heldElsewhere)
            throws InterruptedException {
        long maxPollNanos = maxPoll.toNanos();
        return onIdentifiedFile(dir, file, deadlineNanos, (key, slot) -> lockShared(file, key,
                slot, deadlineNanos, maxPollNanos, closed, heldElsewhere));
    }

    /** Returns a share or an {@link Attempt}; polls until the deadline. */
    private static Object lockShared(Path file, Object key, Slot slot, long deadlineNanos,
            long maxPollNanos, BooleanSupplier closed, Predicate<byte[]> heldElsewhere)
            throws InterruptedException {
        long backoff = FIRST_BACKOFF_NANOS;
        while (true) {
            if (slot.writersWaiting.get() == 0) {
                OsLock joined = joinShared(file, key, slot);
                if (joined != null) {
                    return joined;
                }
                if (slot.permit.tryAcquire()) {
                    Object outcome = null;
                    try {
                        outcome = lockFileShared(file, key, slot, heldElsewhere);
                    } finally {
                        if (!(outcome instanceof OsLock)) {
                            slot.permit.release();
                        }
                    }
                    if (outcome != Attempt.NOT_GRANTED) {
                        return outcome;
                    }
                }
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return Attempt.NOT_GRANTED;
            }
            LockSupport.parkNanos(Math.min(backoff, remaining));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the lock on " + file);
            }
            checkOpen(file, closed);
            backoff = Math.min(backoff * 2, maxPollNanos);
        }
    }

    /** A new share of this JVM's shared hold, or null if there is none or a writer intends. */
    private static OsLock joinShared(Path file, Object key, Slot slot) {
        synchronized (slot) {
            SharedHold h = slot.shared;
            if (h == null || slot.writersWaiting.get() > 0
                    || quietly(() -> LockFiles.othersIntend(h.channel))) {
                return null;
            }
            h.holders++;
            return new OsLock(file, key, slot, h.channel, h.lock, h.content, h);
        }
    }

    /** One attempt at this JVM's shared OS lock; the caller holds the permit. */
    private static Object lockFileShared(Path file, Object key, Slot slot,
            Predicate<byte[]> heldElsewhere) throws InterruptedException {
        boolean interrupted = Thread.interrupted(); // else a channel call would close the channel
        FileChannel ch = null;
        FileLock gate = null;
        try {
            ch = channel(key, file);
            if (ch == null) {
                return Attempt.MOVED;
            }
            gate = LockFiles.tryGate(ch);
            if (gate == null || LockFiles.othersIntend(ch)) {
                return Attempt.NOT_GRANTED;
            }
            FileLock fl = LockFiles.tryLock(ch, 0, LockFiles.LOCK_REGION, true);
            if (fl == null) {
                return Attempt.NOT_GRANTED;
            }
            byte[] content = LockFiles.readAll(ch);
            if (!key.equals(LockFiles.identityOrNull(file))) {
                fl.release(); // removed or replaced meanwhile: lock the new one
                return Attempt.MOVED;
            }
            if (heldElsewhere.test(content)) {
                fl.release(); // a writer of another live process holds it, though its OS lock fell
                return Attempt.NOT_GRANTED;
            }
            SharedHold h = new SharedHold(ch, fl, content);
            OsLock share = new OsLock(file, key, slot, ch, fl, content, h);
            synchronized (slot) {
                slot.shared = h;
                slot.record = content;
            }
            ch = null;
            return share;
        } catch (IOException e) {
            throw new LockUnavailableException("cannot lock file " + file + " shared: " + e, e);
        } finally {
            putAway(key, ch, gate, file);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Leaves the shared hold; the last share releases the OS lock and the permit. */
    private void leaveShared() {
        boolean last;
        synchronized (slot) {
            last = --hold.holders == 0;
            if (last) {
                slot.shared = null;
                slot.record = null;
            }
        }
        try {
            if (last) {
                try {
                    if (lock.isValid()) {
                        lock.release();
                    }
                } catch (IOException e) {
                    // closing the channel below releases the lock anyway
                } finally {
                    LockFiles.closeQuietly(channel);
                    slot.permit.release();
                }
            }
        } finally {
            leave(key, slot);
            if (last) {
                PARKED.drain();
            }
        }
    }

    /**
     * Issues the next fencing token of the file, {@code next(counter)}, and stores it as the
     * counter. An exclusive lock writes it at once; a share takes the counter byte exclusively
     * for the moment, since shares of other processes may do the same.
     *
     * @throws LockUnavailableException if the file cannot be written, or the counter byte stays
     *     locked by another process for a second
     */
    public long nextToken(LongUnaryOperator next) {
        boolean interrupted = Thread.interrupted(); // else the channel would close itself
        try {
            if (hold == null) {
                return writeCounter(next);
            }
            synchronized (hold) {
                FileLock mutex = null;
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while ((mutex = LockFiles.tryLock(channel, LockFiles.COUNTER_BYTE, 1, false)) == null) {
                    if (System.nanoTime() - giveUp > 0) {
                        throw new LockUnavailableException("the counter byte of " + file
                                + " stayed locked by another process for a second");
                    }
                    LockSupport.parkNanos(FIRST_BACKOFF_NANOS);
                }
                try {
                    return writeCounter(next);
                } finally {
                    mutex.release();
                }
            }
        } catch (IOException e) {
            throw new LockUnavailableException("cannot update the fencing counter in " + file
                    + ": " + e, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private long writeCounter(LongUnaryOperator next) throws IOException {
        byte[] now = LockFiles.readAll(channel);
        long counter = LockRecord.counter(now);
        long token = next.applyAsLong(counter);
        if (token != counter) {
            ByteBuffer buf = ByteBuffer.allocate(Long.BYTES).putLong(token).flip();
            while (buf.hasRemaining()) {
                channel.write(buf, buf.position());
            }
        }
        return token;
    }

    /** True if this is a share of a shared lock. */
    public boolean isShared() {
        return hold != null;
    }

    /** Runs a channel call with the interrupt flag hidden, so it cannot close the channel. */
    private static boolean quietly(BooleanSupplier call) {
        boolean interrupted = Thread.interrupted();
        try {
            return call.getAsBoolean();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** This JVM's shared OS lock on one file; guarded by its slot. */
    private static final class SharedHold {
        final FileChannel channel;
        final FileLock lock;
        final byte[] content;
        int holders = 1;

        SharedHold(FileChannel channel, FileLock lock, byte[] content) {
            this.channel = channel;
            this.lock = lock;
            this.content = content;
        }
    }

    /**
     * The content of {@code file} if some process holds its lock, without disturbing a holder in
     * this JVM: answered from memory while this copy of holdfast uses the file, otherwise by
     * testing the lock and reading the file.
     *
     * @param heldElsewhere as for {@link #acquire}: content that shows the lock held although the
     *     OS lock is free
     * @return the record bytes (whatever the holder wrote; no holder line while only shared
     *     holders have it), or empty when the lock is free
     */
    public static Optional<byte[]> probe(Path file, Predicate<byte[]> heldElsewhere) {
        Object key = LockFiles.identityOrNull(file);
        if (key == null) {
            return Optional.empty();
        }
        Slot slot = join(key);
        try {
            for (int i = 0; i < 50; i++) {
                slot.probes.incrementAndGet();
                try {
                    // an acquirer waiting for the permit goes first: a probe only looks
                    if (!slot.permit.hasQueuedThreads() && slot.singleAttempts.get() == 0
                            && slot.permit.tryAcquire()) {
                        try {
                            return probeUnderPermit(file, key, heldElsewhere);
                        } finally {
                            slot.permit.release();
                        }
                    }
                } finally {
                    slot.probes.decrementAndGet();
                }
                byte[] known = slot.record;
                if (known != null) {
                    return Optional.of(known);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            return Optional.empty(); // this JVM is busy with the file but knows no holder yet
        } finally {
            leave(key, slot);
        }
    }

    /** The locked file's channel, for reading and writing its content while held. */
    public FileChannel channel() {
        return channel;
    }

    /** The locked file's content now. */
    public byte[] read() throws IOException {
        return LockFiles.readAll(channel);
    }

    /** The file's content when the lock was granted. */
    public byte[] content() {
        return content.clone();
    }

    /** Publishes what {@link #probe} reports for this file while this lock is held. */
    public void publish(byte[] record) {
        slot.record = record;
    }

    /**
     * True if the path still names the locked file: false once it was removed or replaced, when
     * another process may have locked the new file while this lock was held.
     */
    public boolean stillNamesLockedFile() {
        return key.equals(LockFiles.identityOrNull(file));
    }

    /**
     * Releases the lock and closes the file (for a share: leaves the shared hold, and the last
     * one out releases it); idempotent, callable from any thread.
     */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        if (hold != null) {
            leaveShared();
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
            LockFiles.closeQuietly(channel); // it has the gate: no other descriptor of this JVM locks the file
            slot.permit.release();
            leave(key, slot);
            PARKED.drain();
        }
    }

    @Override
    public String toString() {
        return "OsLock[" + file + (released.get() ? ", released" : ", held") + "]";
    }

    /** The outcomes of one attempt that are not a lock. */
    private enum Attempt {
        /** Not granted by the deadline. */
        NOT_GRANTED,
        /** The path names another file than the one identified: identify it again. */
        MOVED
    }

    private static boolean awaitPermit(Path file, Slot slot, long deadlineNanos, BooleanSupplier closed)
            throws InterruptedException {
        while (true) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return slot.permit.tryAcquire() || awaitProbe(slot);
            }
            if (slot.permit.tryAcquire(Math.min(remaining, CLOSE_CHECK_NANOS), TimeUnit.NANOSECONDS)) {
                return true;
            }
            checkOpen(file, closed);
        }
    }

    /**
     * A single attempt that found the permit taken waits while a probe may have it, however long
     * that takes: a probe holds the permit only to read the file, never waiting for another
     * thread or process, and new probes stand aside while a single attempt waits (see
     * {@link #probe}), so the wait ends without a time budget. (A 50ms budget refused free locks
     * when a loaded machine descheduled the probing thread.) Announcing before reading
     * {@code probes}, while a probe counts itself before reading {@code singleAttempts}, means at
     * least one of the two sees the other. With no probe counted, the permit holder is a real
     * holder and the attempt is refused.
     */
    private static boolean awaitProbe(Slot slot) throws InterruptedException {
        slot.singleAttempts.incrementAndGet();
        try {
            while (slot.probes.get() > 0) {
                if (slot.permit.tryAcquire(20, TimeUnit.MICROSECONDS)) {
                    return true;
                }
            }
            return slot.permit.tryAcquire();
        } finally {
            slot.singleAttempts.decrementAndGet();
        }
    }

    private static void checkOpen(Path file, BooleanSupplier closed) {
        if (closed.getAsBoolean()) {
            throw new IllegalStateException("stopped waiting for the lock on " + file
                    + ": the manager was closed");
        }
    }

    /** Returns an {@link OsLock} or an {@link Attempt}; the caller holds the permit. */
    private static Object lockFile(Path file, Object key, Slot slot, long deadlineNanos,
            long maxPollNanos, BooleanSupplier closed, Predicate<byte[]> heldElsewhere)
            throws InterruptedException {
        if (deadlineNanos - System.nanoTime() > 0 && Thread.interrupted()) {
            throw new InterruptedException("interrupted before locking " + file);
        }
        FileChannel ch = null;
        FileLock gate = null;
        try {
            ch = channel(key, file);
            if (ch == null) {
                return Attempt.MOVED;
            }
            FileLock waiting = null;
            FileLock intent = null;
            long backoff = FIRST_BACKOFF_NANOS;
            long yieldUntil = System.nanoTime();
            boolean yieldDecided = false;
            while (true) {
                long now = System.nanoTime();
                boolean lastChance = deadlineNanos - now <= 0;
                if (gate == null) {
                    gate = LockFiles.tryGate(ch);
                }
                if (gate != null) {
                    if (!yieldDecided) {
                        yieldDecided = true;
                        if (!lastChance && LockFiles.othersWait(ch)) {
                            yieldUntil = now + 2 * maxPollNanos;
                        }
                    }
                    if (now - yieldUntil >= 0 || lastChance) {
                        FileLock fl = LockFiles.tryLock(ch, 0, LockFiles.LOCK_REGION, false);
                        byte[] content = LockFiles.readAll(ch);
                        if (fl != null && !key.equals(LockFiles.identityOrNull(file))) {
                            fl.release(); // removed or replaced while we waited: lock the new one
                            return Attempt.MOVED;
                        }
                        if (fl != null && !heldElsewhere.test(content)) {
                            if (waiting != null) {
                                waiting.release();
                            }
                            if (intent != null) {
                                intent.release();
                            }
                            OsLock held = new OsLock(file, key, slot, ch, fl, content, null);
                            ch = null;
                            return held;
                        }
                        if (fl != null) {
                            fl.release(); // another live process holds it, though its OS lock fell
                        }
                        slot.record = content;
                    }
                    if (waiting == null) {
                        waiting = LockFiles.tryLock(ch, LockFiles.WAITERS_BYTE, 1, true); // null while an acquirer tests it
                    }
                    if (intent == null && !lastChance) {
                        // announces a writer to readers; null while a reader tests it
                        intent = LockFiles.tryLock(ch, LockFiles.INTENT_BYTE, 1, true);
                    }
                }
                now = System.nanoTime();
                long remaining = deadlineNanos - now;
                if (remaining <= 0) {
                    return Attempt.NOT_GRANTED;
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
            ch = null; // closed by the JDK
            Thread.interrupted();
            throw new InterruptedException("interrupted while locking " + file);
        } catch (IOException e) {
            throw new LockUnavailableException("cannot lock file " + file + ": " + e, e);
        } finally {
            putAway(key, ch, gate, file);
        }
    }

    /** The descriptor parked for the file, else a new one; null if the file is missing. */
    private static FileChannel channel(Object key, Path file) throws IOException {
        FileChannel ch = PARKED.take(key);
        return ch != null ? ch : LockFiles.open(file);
    }

    /**
     * Closes a descriptor that has the gate, parks one that has not (closing it could drop a
     * lock of another copy of holdfast in this JVM); does nothing for null.
     */
    private static void putAway(Object key, FileChannel ch, FileLock gate, Path file) {
        if (ch != null) {
            if (gate != null) {
                LockFiles.closeQuietly(ch);
            } else {
                PARKED.park(key, ch, file);
            }
        }
    }

    private static Optional<byte[]> probeUnderPermit(Path file, Object key,
            Predicate<byte[]> heldElsewhere) {
        boolean interrupted = Thread.interrupted(); // else the channel would close itself
        FileChannel ch = null;
        FileLock gate = null;
        try {
            ch = channel(key, file);
            if (ch == null) {
                return Optional.empty();
            }
            gate = LockFiles.tryGate(ch);
            FileLock fl = gate == null ? null : LockFiles.tryLock(ch, 0, LockFiles.LOCK_REGION, false);
            byte[] content = LockFiles.readAll(ch);
            if (fl != null) {
                fl.release();
                return heldElsewhere.test(content) ? Optional.of(content) : Optional.empty();
            }
            // held by another process, or used by another copy of holdfast in this JVM
            if (content.length > LockRecord.COUNTER_BYTES) {
                return Optional.of(content);
            }
            FileLock readers = gate == null ? null : LockFiles.tryLock(ch, 0, LockFiles.LOCK_REGION, true);
            if (readers != null) {
                readers.release();
                return Optional.of(content); // shared holders only: no holder line
            }
            return Optional.empty(); // a writer about to write its line, or another copy's use
        } catch (IOException e) {
            throw new LockUnavailableException("cannot read lock file " + file + ": " + e, e);
        } finally {
            putAway(key, ch, gate, file);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Slot join(Object key) {
        return SLOTS.compute(key, (k, s) -> {
            Slot slot = s == null ? new Slot() : s;
            slot.users++;
            return slot;
        });
    }

    private static void leave(Object key, Slot slot) {
        SLOTS.computeIfPresent(key, (k, s) -> s == slot && --s.users == 0 ? null : s);
    }

    /** This copy's gate to one file: one permit, and the holder record last seen. */
    private static final class Slot {
        final Semaphore permit = new Semaphore(1);
        /** Probes trying or holding the permit. */
        final AtomicInteger probes = new AtomicInteger();
        /** Single attempts (no time left) waiting for a probe to give the permit back. */
        final AtomicInteger singleAttempts = new AtomicInteger();
        /** Threads using the slot; guarded by the map's compute. */
        int users;
        volatile byte[] record;
        /** Exclusive requests of this JVM waiting for the permit: no new shares meanwhile. */
        final AtomicInteger writersWaiting = new AtomicInteger();
        /** This JVM's shared OS lock on the file, or null; guarded by the slot. */
        SharedHold shared;
    }
}

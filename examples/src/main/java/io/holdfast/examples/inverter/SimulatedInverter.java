package io.holdfast.examples.inverter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated inverter shared by every process that opens the same directory. Like a real device
 * on a serial bus it cannot tell who is talking, but it notices when two sessions overlap (a
 * collision on the bus) and, like a fenced resource, it keeps the highest fencing token it has seen
 * and rejects commands that carry a smaller one.
 *
 * <p>Detection uses the device's own means, independent of the lock under test: a count of open
 * sessions inside this JVM, and a non-blocking OS lock on a "bus" file across processes.
 */
public final class SimulatedInverter implements AutoCloseable {

    private final Marker bus;
    private final Marker charger;
    private final FileChannel fence;
    private final AtomicLong overlaps = new AtomicLong();
    private final AtomicLong chargeOverlaps = new AtomicLong();
    private final AtomicLong staleRejected = new AtomicLong();
    private final AtomicLong accesses = new AtomicLong();

    /** Opens (creating if needed) the device state in {@code dir}. */
    public SimulatedInverter(Path dir) {
        try {
            Files.createDirectories(dir);
            bus = new Marker(dir.resolve("bus.lock"));
            charger = new Marker(dir.resolve("charger.lock"));
            fence = FileChannel.open(dir.resolve("fence.bin"), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open simulated inverter in " + dir, e);
        }
    }

    /**
     * Opens a session (reads or writes registers) carrying {@code fencingToken}.
     *
     * @return the session; close it when done
     */
    public Session open(long fencingToken) {
        accesses.incrementAndGet();
        if (!bus.enter()) {
            overlaps.incrementAndGet();
        }
        boolean accepted = acceptToken(fencingToken);
        return new Session(bus, accepted);
    }

    /** Starts a force-charge cycle; two cycles at once are counted as a charge overlap. */
    public Session startCharge() {
        if (!charger.enter()) {
            chargeOverlaps.incrementAndGet();
        }
        return new Session(charger, true);
    }

    /** Sessions that overlapped another session (must be 0 under a working lock). */
    public long overlaps() {
        return overlaps.get();
    }

    /** Charge cycles that overlapped another charge cycle (must be 0). */
    public long chargeOverlaps() {
        return chargeOverlaps.get();
    }

    /** Sessions whose fencing token was smaller than one already seen, and so rejected. */
    public long staleTokensRejected() {
        return staleRejected.get();
    }

    /** Sessions opened in this process. */
    public long accesses() {
        return accesses.get();
    }

    /** The device keeps the highest token in a file, updated under its own short OS lock. */
    private synchronized boolean acceptToken(long token) {
        try (FileLock ignored = fence.lock()) {
            ByteBuffer buf = ByteBuffer.allocate(8);
            long highest = fence.read(buf, 0) == 8 ? buf.flip().getLong() : Long.MIN_VALUE;
            if (token < highest) {
                staleRejected.incrementAndGet();
                return false;
            }
            fence.write(buf.clear().putLong(token).flip(), 0);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("simulated inverter cannot update its fence file", e);
        }
    }

    @Override
    public void close() {
        try {
            bus.close();
            charger.close();
            fence.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An open session; closing it frees the bus. */
    public static final class Session implements AutoCloseable {
        private final Marker marker;
        private final boolean accepted;

        private Session(Marker marker, boolean accepted) {
            this.marker = marker;
            this.accepted = accepted;
        }

        /** False if the device rejected this session's fencing token. */
        public boolean accepted() {
            return accepted;
        }

        @Override
        public void close() {
            marker.leave();
        }
    }

    /**
     * Detects concurrent occupancy: a count inside this JVM, and across processes a non-blocking
     * OS lock on one long-lived channel (never a second channel: closing any descriptor of a file
     * drops every POSIX lock this process holds on it).
     */
    private static final class Marker {
        private final FileChannel channel;
        private int inside;
        private FileLock osLock;

        Marker(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }

        /** Returns false if someone else was inside (this JVM or another process). */
        synchronized boolean enter() {
            inside++;
            if (inside > 1) {
                return false;
            }
            try {
                osLock = channel.tryLock();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return osLock != null;
        }

        synchronized void leave() {
            inside--;
            if (inside == 0 && osLock != null) {
                try {
                    osLock.release();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                osLock = null;
            }
        }

        void close() throws IOException {
            channel.close();
        }
    }
}

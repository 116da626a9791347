package io.holdfast.benchmarks.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Per-resource cells in a memory-mapped file that every worker JVM of a case shares: a counter
 * incremented <em>non-atomically</em> under the lock (if two holders ever overlap, increments get
 * lost and the total falls short of the number of grants), and the last holder with the
 * {@link System#nanoTime()} at which it started releasing (comparable across the JVMs of one host),
 * from which handoffs and their latency are computed, and the last fencing token granted, which
 * every later grant's token must exceed, and whether an exclusive holder is inside (S6: a shared
 * holder must never see one). Only the lock under test orders the accesses.
 */
final class SharedCells {

    /** Holder id meaning nobody has released the resource yet. */
    static final long NOBODY = -1;
    private static final int STRIDE = 64; // one cache line per resource
    private static final int COUNTER = 0;
    private static final int HOLDER = 8;
    private static final int RELEASED_AT = 16;
    private static final int LAST_TOKEN = 24;
    private static final int WRITER = 32;

    private final MappedByteBuffer cells;
    private final int resources;

    private SharedCells(MappedByteBuffer cells, int resources) {
        this.cells = cells;
        this.resources = resources;
    }

    /** Creates the file with every counter 0 and no last holder (the parent does this once per case). */
    static SharedCells create(Path file, int resources) {
        SharedCells created = open(file, resources);
        for (int r = 0; r < resources; r++) {
            created.cells.putLong(r * STRIDE + COUNTER, 0);
            created.cells.putLong(r * STRIDE + HOLDER, NOBODY);
            created.cells.putLong(r * STRIDE + RELEASED_AT, 0);
            created.cells.putLong(r * STRIDE + LAST_TOKEN, Long.MIN_VALUE);
            created.cells.putLong(r * STRIDE + WRITER, 0);
        }
        created.cells.force();
        return created;
    }

    static SharedCells open(Path file, int resources) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return new SharedCells(channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) resources * STRIDE),
                    resources);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + file, e);
        }
    }

    /** Non-atomic read-modify-write: correct only while the caller holds the resource's lock. */
    void increment(int resource) {
        int at = resource * STRIDE + COUNTER;
        cells.putLong(at, cells.getLong(at) + 1);
    }

    long holder(int resource) {
        return cells.getLong(resource * STRIDE + HOLDER);
    }

    long releasedAt(int resource) {
        return cells.getLong(resource * STRIDE + RELEASED_AT);
    }

    /**
     * Records {@code token} as the resource's latest and returns whether it exceeds the previous one
     * (true for the first). Correct only while the caller holds the resource's lock.
     */
    boolean advanceToken(int resource, long token) {
        int at = resource * STRIDE + LAST_TOKEN;
        boolean increasing = token > cells.getLong(at);
        cells.putLong(at, token);
        return increasing;
    }

    /** Records that {@code holder} starts releasing {@code resource} at {@code nanos}. */
    void releasing(int resource, long holder, long nanos) {
        cells.putLong(resource * STRIDE + HOLDER, holder);
        cells.putLong(resource * STRIDE + RELEASED_AT, nanos);
    }

    /** Marks an exclusive holder of {@code resource} as inside (true, after acquiring) or leaving (false). */
    void writer(int resource, boolean inside) {
        cells.putLong(resource * STRIDE + WRITER, inside ? 1 : 0);
    }

    /** Whether an exclusive holder of {@code resource} is inside: never true for a shared holder. */
    boolean writerInside(int resource) {
        return cells.getLong(resource * STRIDE + WRITER) != 0;
    }

    /** The sum of every counter: must equal the total number of grants once all workers stopped. */
    long total() {
        long sum = 0;
        for (int r = 0; r < resources; r++) {
            sum += cells.getLong(r * STRIDE + COUNTER);
        }
        return sum;
    }
}

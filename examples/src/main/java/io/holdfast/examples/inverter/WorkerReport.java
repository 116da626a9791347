package io.holdfast.examples.inverter;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import java.util.HashMap;
import java.util.Map;

/** What one process's workers did; merged across processes by the parent. */
public final class WorkerReport {

    /** How a child's result line starts. */
    public static final String PREFIX = "RESULT ";

    long polls;
    long overlaps;
    long staleRejected;
    long chargeCycles;
    long chargeOverlaps;
    long chargeSkipped;
    long timeouts;
    /** Lock waits in nanoseconds, 3 significant digits. */
    final Histogram waits = new Histogram(3);

    /** Adds another report to this one. */
    public void merge(WorkerReport other) {
        polls += other.polls;
        overlaps += other.overlaps;
        staleRejected += other.staleRejected;
        chargeCycles += other.chargeCycles;
        chargeOverlaps += other.chargeOverlaps;
        chargeSkipped += other.chargeSkipped;
        timeouts += other.timeouts;
        waits.add(other.waits);
    }

    /** One line a child prints on standard output for its parent. */
    public String toLine() {
        return PREFIX + "polls=" + polls + " overlaps=" + overlaps + " stale=" + staleRejected
                + " charges=" + chargeCycles + " chargeOverlaps=" + chargeOverlaps
                + " chargeSkipped=" + chargeSkipped + " timeouts=" + timeouts
                + " waits=" + encode(waits);
    }

    /** Parses {@link #toLine()}. */
    public static WorkerReport parse(String line) {
        Map<String, String> kv = new HashMap<>();
        for (String part : line.substring(PREFIX.length()).trim().split(" ")) {
            int eq = part.indexOf('=');
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        WorkerReport r = new WorkerReport();
        r.polls = Long.parseLong(kv.get("polls"));
        r.overlaps = Long.parseLong(kv.get("overlaps"));
        r.staleRejected = Long.parseLong(kv.get("stale"));
        r.chargeCycles = Long.parseLong(kv.get("charges"));
        r.chargeOverlaps = Long.parseLong(kv.get("chargeOverlaps"));
        r.chargeSkipped = Long.parseLong(kv.get("chargeSkipped"));
        r.timeouts = Long.parseLong(kv.get("timeouts"));
        r.waits.add(decode(kv.get("waits")));
        return r;
    }

    /** Polls made. */
    public long polls() {
        return polls;
    }

    /** Overlapping sessions the device detected. */
    public long overlaps() {
        return overlaps;
    }

    /** Sessions the device rejected for a stale fencing token. */
    public long staleRejected() {
        return staleRejected;
    }

    /** Force-charge cycles run. */
    public long chargeCycles() {
        return chargeCycles;
    }

    /** Charge cycles that overlapped another. */
    public long chargeOverlaps() {
        return chargeOverlaps;
    }

    /** Charge cycles skipped because another worker was running one. */
    public long chargeSkipped() {
        return chargeSkipped;
    }

    /** Lock waits that timed out. */
    public long timeouts() {
        return timeouts;
    }

    /** Lock wait latencies. */
    public Histogram waits() {
        return waits;
    }

    private static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), length));
    }

    private static Histogram decode(String text) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("a worker process reported a corrupt wait histogram", e);
        }
    }
}

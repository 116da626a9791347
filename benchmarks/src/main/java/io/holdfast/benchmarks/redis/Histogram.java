package io.holdfast.benchmarks.redis;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * Nanosecond durations recorded by one thread of a worker JVM and merged by the harness: an
 * HdrHistogram with 3 significant digits (every value reported within 0.1%), sent between JVMs
 * as its compressed form in Base64. Not thread-safe (one per thread, merged at the end).
 */
final class Histogram {

    private final org.HdrHistogram.Histogram values;

    Histogram() {
        this(new org.HdrHistogram.Histogram(3));
    }

    private Histogram(org.HdrHistogram.Histogram values) {
        this.values = values;
    }

    void record(long nanos) {
        values.recordValue(Math.max(0, nanos));
    }

    void add(Histogram other) {
        values.add(other.values);
    }

    long count() {
        return values.getTotalCount();
    }

    long max() {
        return values.getMaxValue();
    }

    /** The value at quantile {@code q} (0..1); 0 when empty. */
    long quantile(double q) {
        return values.getValueAtPercentile(q * 100);
    }

    /** The compressed histogram in Base64: one token of a worker JVM's report line. */
    String encode() {
        ByteBuffer buffer = ByteBuffer.allocate(values.getNeededByteBufferCapacity());
        int length = values.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String text) {
        try {
            return new Histogram(org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0));
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a compressed histogram: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Histogram[n=" + count() + ", p50=" + quantile(0.5) + ", max=" + max() + "]";
    }
}

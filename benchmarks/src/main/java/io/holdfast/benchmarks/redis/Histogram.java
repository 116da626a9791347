package io.holdfast.benchmarks.redis;

import java.util.Arrays;

/**
 * A log-linear histogram of nanosecond durations: 64 sub-buckets per power of two, so every recorded
 * value is reported within 1.6% of its true value. Not thread-safe (one per thread, merged at the
 * end); fixed size, so recording never allocates.
 */
final class Histogram {

    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS + 1) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        max = Math.max(max, v);
    }

    void add(Histogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The value at quantile {@code q} (0..1): the midpoint of the bucket holding it; 0 when empty. */
    long quantile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, (lowerBound(i) + lowerBound(i + 1)) / 2);
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS; // >= 0
        int sub = (int) (v >>> shift) - SUB; // the SUB_BITS bits below the leading one
        return (shift + 1) * SUB + sub;
    }

    static long lowerBound(int index) {
        int exponent = index / SUB;
        long sub = index % SUB;
        if (exponent == 0) {
            return sub;
        }
        return (SUB + sub) << (exponent - 1);
    }

    /** A compact text form {@code max;index:count,...} for the report line of a worker JVM. */
    String encode() {
        StringBuilder text = new StringBuilder().append(max).append(';');
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] != 0) {
                text.append(i).append(':').append(counts[i]).append(',');
            }
        }
        return text.toString();
    }

    static Histogram decode(String text) {
        Histogram h = new Histogram();
        int semi = text.indexOf(';');
        h.max = Long.parseLong(text.substring(0, semi));
        for (String pair : text.substring(semi + 1).split(",")) {
            if (!pair.isEmpty()) {
                int colon = pair.indexOf(':');
                long n = Long.parseLong(pair.substring(colon + 1));
                h.counts[Integer.parseInt(pair.substring(0, colon))] += n;
                h.total += n;
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "Histogram[n=" + total + ", p50=" + quantile(0.5) + ", max=" + max + ", buckets="
                + Arrays.stream(counts).filter(c -> c != 0).count() + "]";
    }
}

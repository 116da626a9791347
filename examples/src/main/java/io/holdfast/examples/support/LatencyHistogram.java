package io.holdfast.examples.support;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A mergeable latency histogram with logarithmic buckets (about 4% wide), so that worker threads
 * and child processes can report waits that the parent merges into one p50/p99. Not thread-safe:
 * one per worker, merged at the end.
 */
public final class LatencyHistogram {

    private static final int BUCKETS = 640;
    private static final double BASE = Math.log(1.04);

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long maxNanos;

    /** Records one latency. */
    public void record(long nanos) {
        counts[bucket(nanos)]++;
        total++;
        maxNanos = Math.max(maxNanos, nanos);
    }

    /** Adds another histogram's counts to this one. */
    public void merge(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        maxNanos = Math.max(maxNanos, other.maxNanos);
    }

    /** The number of recorded latencies. */
    public long count() {
        return total;
    }

    /** The largest recorded latency. */
    public long maxNanos() {
        return maxNanos;
    }

    /** The latency at quantile {@code q} (0..1), as the upper edge of its bucket. */
    public long percentileNanos(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return Math.min(maxNanos, upperEdge(i));
            }
        }
        return maxNanos;
    }

    /** A compact text form: {@code max;index:count,index:count}. */
    public String encode() {
        StringBuilder sb = new StringBuilder().append(maxNanos).append(';');
        String body = java.util.stream.IntStream.range(0, BUCKETS).filter(i -> counts[i] > 0)
                .mapToObj(i -> i + ":" + counts[i]).collect(Collectors.joining(","));
        return sb.append(body).toString();
    }

    /** Parses {@link #encode()}. */
    public static LatencyHistogram decode(String text) {
        LatencyHistogram h = new LatencyHistogram();
        String[] parts = text.split(";", 2);
        h.maxNanos = Long.parseLong(parts[0]);
        if (parts.length > 1 && !parts[1].isEmpty()) {
            Arrays.stream(parts[1].split(",")).forEach(pair -> {
                String[] kv = pair.split(":");
                long c = Long.parseLong(kv[1]);
                h.counts[Integer.parseInt(kv[0])] += c;
                h.total += c;
            });
        }
        return h;
    }

    private static int bucket(long nanos) {
        if (nanos <= 1000) {
            return 0;
        }
        int b = (int) (Math.log(nanos / 1000.0) / BASE) + 1;
        return Math.min(BUCKETS - 1, b);
    }

    private static long upperEdge(int bucket) {
        return (long) (1000 * Math.exp(bucket * BASE));
    }
}

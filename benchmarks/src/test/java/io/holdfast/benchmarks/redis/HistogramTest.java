package io.holdfast.benchmarks.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void quantiles_areWithinTwoPercentOfExactOnes() {
        SplittableRandom random = new SplittableRandom(42);
        long[] values = new long[100_000];
        Histogram h = new Histogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextDouble(3, 20)); // 20 ns .. 0.5 s, log-uniform
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[] {0.01, 0.5, 0.9, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            assertThat((double) h.quantile(q)).as("q=%s", q).isCloseTo(exact, within(exact * 0.02 + 1));
        }
        long max = values[values.length - 1];
        assertThat((double) h.max()).isCloseTo(max, within(max * 0.001 + 1));
        assertThat(h.count()).isEqualTo(values.length);
    }

    @Test
    void encodeDecode_roundTrips_andMergeAddsCounts() {
        Histogram a = new Histogram();
        Histogram b = new Histogram();
        for (int i = 1; i <= 1000; i++) {
            a.record(i * 1_000L);
            b.record(i * 7L);
        }
        Histogram decoded = Histogram.decode(a.encode());
        assertThat(decoded.count()).isEqualTo(1000);
        assertThat(decoded.max()).isEqualTo(a.max());
        assertThat((double) decoded.max()).isCloseTo(1_000_000, within(1_000.0));
        assertThat(decoded.quantile(0.5)).isEqualTo(a.quantile(0.5));
        decoded.add(b);
        assertThat(decoded.count()).isEqualTo(2000);
        assertThat(decoded.max()).isEqualTo(a.max());
        // rank 500 of the merged values: b's 497th value, 3479 (a's 1000, 2000 and 3000 come before it)
        assertThat((double) decoded.quantile(0.25)).isCloseTo(3479, within(3479 * 0.02));
    }
}

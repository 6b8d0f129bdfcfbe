package dev.netlab.pingclient.probe;

import java.util.Arrays;

/**
 * The most recent round-trip times in a ring of whole microseconds (what every figure it gives is in: half the
 * memory of nanoseconds, which counts at mesh scale), summarised as ping does: min/avg/max/mdev with iputils'
 * integer-microsecond arithmetic, and nearest-rank percentiles. One thread at a time (the caller locks).
 */
public final class RttWindow {

    private final int[] ring;
    private int count;
    private int next;

    public RttWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        ring = new int[capacity];
    }

    public void add(long rttNanos) {
        ring[next] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, rttNanos / 1_000));
        next = (next + 1) % ring.length;
        count = Math.min(count + 1, ring.length);
    }

    public int size() {
        return count;
    }

    /** The summary of what the window holds, or null when it is empty. */
    public RttSummary summary() {
        if (count == 0) {
            return null;
        }
        int[] values = Arrays.copyOf(ring, count);
        Arrays.sort(values);
        // iputils: times in whole microseconds; mdev = llsqrt((tsum2 - tsum*tsum/n) / n).
        long tsum = 0;
        long tsum2 = 0;
        for (int us : values) {
            tsum += us;
            tsum2 += (long) us * us;
        }
        long n = count;
        long tmavg = tsum / n;
        long tmvar = tsum < Integer.MAX_VALUE ? (tsum2 - (tsum * tsum) / n) / n : (tsum2 / n) - tmavg * tmavg;
        return new RttSummary(values[0], tmavg, values[count - 1], llsqrt(tmvar),
                rank(values, 50), rank(values, 90), rank(values, 99));
    }

    private static long rank(int[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Newton's integer square root, as iputils computes it. */
    static long llsqrt(long a) {
        long prev = Long.MAX_VALUE;
        long x = a;
        if (x > 0) {
            while (x < prev) {
                prev = x;
                x = (x + (a / x)) / 2;
            }
        }
        return x;
    }
}

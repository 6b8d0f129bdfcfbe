package dev.netlab.pingclient.probe;

import java.util.Arrays;

/**
 * The most recent round-trip times (nanoseconds) in a ring, summarised as ping does: min/avg/max/mdev with iputils'
 * integer-microsecond arithmetic, and nearest-rank percentiles. One thread at a time (the caller locks).
 */
public final class RttWindow {

    private final long[] ring;
    private int count;
    private int next;

    public RttWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        ring = new long[capacity];
    }

    public void add(long rttNanos) {
        ring[next] = rttNanos;
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
        long[] values = Arrays.copyOf(ring, count);
        Arrays.sort(values);
        // iputils: times in whole microseconds; mdev = llsqrt((tsum2 - tsum*tsum/n) / n).
        long tsum = 0;
        long tsum2 = 0;
        for (long v : values) {
            long us = v / 1_000;
            tsum += us;
            tsum2 += us * us;
        }
        long n = count;
        long tmavg = tsum / n;
        long tmvar = tsum < Integer.MAX_VALUE ? (tsum2 - (tsum * tsum) / n) / n : (tsum2 / n) - tmavg * tmavg;
        return new RttSummary(values[0] / 1_000, tmavg, values[count - 1] / 1_000, llsqrt(tmvar),
                rank(values, 50) / 1_000, rank(values, 90) / 1_000, rank(values, 99) / 1_000);
    }

    private static long rank(long[] sorted, int percentile) {
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

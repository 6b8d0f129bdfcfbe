package dev.netlab.watch;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A quantile from cumulative histogram buckets, interpolated within its bucket as Prometheus does. */
final class HistogramQuantile {

    private HistogramQuantile() {
    }

    /**
     * @param cumulative observations at or below each upper bound (+Inf included)
     * @return the {@code q} quantile, or null without observations
     */
    static Double of(Map<Double, Double> cumulative, double q) {
        NavigableMap<Double, Double> buckets = new TreeMap<>(cumulative);
        if (buckets.isEmpty() || buckets.lastEntry().getValue() <= 0) {
            return null;
        }
        double total = buckets.lastEntry().getValue();
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    // Above the highest finite bound: that bound is all we know.
                    return lowerBound;
                }
                double inBucket = bucket.getValue() - lowerCount;
                double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
                return lowerBound + (bucket.getKey() - lowerBound) * fraction;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return lowerBound;
    }
}

package dev.netlab.watch;

import java.util.HashMap;
import java.util.Map;

/** How much each of a set of counters grew since the previous reading, and over how many seconds. */
final class CounterDeltas {

    /** The growth of each counter over {@code seconds}; empty at the first reading. */
    record Deltas(Map<String, Double> deltas, double seconds) {

        /** The counter's rate per second, or null when it is unknown (first reading, new counter). */
        Double perSecond(String key) {
            Double delta = deltas.get(key);
            return delta == null || seconds <= 0 ? null : delta / seconds;
        }

        Double delta(String key) {
            return deltas.get(key);
        }
    }

    private Map<String, Double> previous;
    private long previousNanos;

    /** Records {@code totals} read at {@code nanoTime} and returns the growth since the last call. */
    Deltas update(Map<String, Double> totals, long nanoTime) {
        Map<String, Double> deltas = new HashMap<>();
        double seconds = 0;
        if (previous != null) {
            seconds = (nanoTime - previousNanos) / 1e9;
            for (Map.Entry<String, Double> total : totals.entrySet()) {
                Double before = previous.get(total.getKey());
                if (before != null) {
                    // A counter that went down was reset (the service restarted): it grew from zero.
                    deltas.put(total.getKey(), total.getValue() >= before ? total.getValue() - before : total.getValue());
                }
            }
        }
        previous = Map.copyOf(totals);
        previousNanos = nanoTime;
        return new Deltas(deltas, seconds);
    }

    /** Forgets the last reading (the service went away, so its counters may restart). */
    void reset() {
        previous = null;
    }
}

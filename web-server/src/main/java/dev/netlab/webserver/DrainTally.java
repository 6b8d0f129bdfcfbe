package dev.netlab.webserver;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The scheduler watch's drains, counted as they end: how many, how long the longest, how many the fallback ended. */
final class DrainTally {

    /** The drains so far: their number, those the watcher ended because the canary did not, and the longest. */
    record Totals(long drains, long endedByFallback, long canaryRearms, Duration longest) {

        /** The drains since {@code earlier}; the longest is the longest since the tally began. */
        Totals since(Totals earlier) {
            return new Totals(drains - earlier.drains, endedByFallback - earlier.endedByFallback,
                    canaryRearms - earlier.canaryRearms, longest);
        }
    }

    private final LongAdder drains = new LongAdder();
    private final LongAdder endedByFallback = new LongAdder();
    private final LongAdder canaryRearms = new LongAdder();
    private final AtomicLong longestNanos = new AtomicLong();
    /** The longest drain since the watcher last took it, for its periodic debug line. */
    private final AtomicLong recentLongestNanos = new AtomicLong();

    void ended(long lengthNanos, boolean byFallback) {
        drains.increment();
        if (byFallback) {
            endedByFallback.increment();
        }
        longestNanos.accumulateAndGet(lengthNanos, Math::max);
        recentLongestNanos.accumulateAndGet(lengthNanos, Math::max);
    }

    void canaryRearmed() {
        canaryRearms.increment();
    }

    Totals totals() {
        return new Totals(drains.sum(), endedByFallback.sum(), canaryRearms.sum(), Duration.ofNanos(longestNanos.get()));
    }

    /** The longest drain since the last call, and starts the next period. */
    Duration takeRecentLongest() {
        return Duration.ofNanos(recentLongestNanos.getAndSet(0));
    }
}

package dev.netlab.webserver;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The scheduler watch's drains, counted as they end: how many, how long the longest, how many held their leavers
 * past the hold (the watcher woke them from outside) and how many the watcher ended because the canary did not.
 */
final class DrainTally {

    /**
     * The drains so far: their number, those past the hold, those the watcher ended, re-arms, the longest and their
     * time together.
     */
    record Totals(long drains, long pastTheHold, long endedByFallback, long canaryRearms, Duration longest,
                  Duration total) {

        /** The drains since {@code earlier}; the longest is the longest since the tally began. */
        Totals since(Totals earlier) {
            return new Totals(drains - earlier.drains, pastTheHold - earlier.pastTheHold,
                    endedByFallback - earlier.endedByFallback,
                    canaryRearms - earlier.canaryRearms, longest, total.minus(earlier.total));
        }
    }

    private final LongAdder drains = new LongAdder();
    private final LongAdder pastTheHold = new LongAdder();
    private final LongAdder endedByFallback = new LongAdder();
    private final LongAdder canaryRearms = new LongAdder();
    private final AtomicLong longestNanos = new AtomicLong();
    private final LongAdder totalNanos = new LongAdder();
    /** The longest drain since the watcher last took it, for its periodic debug line. */
    private final AtomicLong recentLongestNanos = new AtomicLong();

    void ended(long lengthNanos, boolean pastHold, boolean byFallback) {
        drains.increment();
        if (pastHold) {
            pastTheHold.increment();
        }
        if (byFallback) {
            endedByFallback.increment();
        }
        longestNanos.accumulateAndGet(lengthNanos, Math::max);
        totalNanos.add(lengthNanos);
        recentLongestNanos.accumulateAndGet(lengthNanos, Math::max);
    }

    void canaryRearmed() {
        canaryRearms.increment();
    }

    Totals totals() {
        return new Totals(drains.sum(), pastTheHold.sum(), endedByFallback.sum(), canaryRearms.sum(),
                Duration.ofNanos(longestNanos.get()), Duration.ofNanos(totalNanos.sum()));
    }

    /** The longest drain since the last call, and starts the next period. */
    Duration takeRecentLongest() {
        return Duration.ofNanos(recentLongestNanos.getAndSet(0));
    }
}

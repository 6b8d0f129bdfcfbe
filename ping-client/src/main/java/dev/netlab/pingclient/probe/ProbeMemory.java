package dev.netlab.pingclient.probe;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * How many probes one stream remembers: every probe that may still wait for its reply (so a reply to one of them is
 * never foreign), and beyond that the recent past, to recognise late replies and duplicates. The bound on waiting
 * probes is checked before anything starts, so no schedule makes a stream's memory grow without limit.
 */
public final class ProbeMemory {

    /** The default bound on waiting probes per stream ({@code pingclient.max-outstanding-probes}, the command's). */
    public static final int DEFAULT_MAX_OUTSTANDING = 65_536;
    /** How long a decided probe is remembered to recognise its late reply, at most {@link #MAX_RECENT} of them. */
    private static final Duration RECENT = Duration.ofSeconds(60);
    private static final long MAX_RECENT = 4_096;
    private static final long MIN_SLOTS = 16;

    private ProbeMemory() {
    }

    /** The most probes of a fixed-rate schedule that wait at once: those sent within one timeout. */
    public static long maxWaiting(Duration interval, Duration timeout) {
        long intervalNanos = interval.toNanos();
        return (timeout.toNanos() + intervalNanos - 1) / intervalNanos + 1;
    }

    /** The slots a stream's tracker keeps: every waiting probe, and the recent past up to 4,096; a power of two. */
    public static int slots(Duration interval, Duration timeout) {
        long intervalNanos = interval.toNanos();
        long recentNanos = Math.max(RECENT.toNanos(), 2 * timeout.toNanos());
        long recent = Math.min(MAX_RECENT, recentNanos / intervalNanos);
        long wanted = Math.max(MIN_SLOTS, Math.max(recent, maxWaiting(interval, timeout)));
        if (wanted > 1 << 30) {
            throw new IllegalArgumentException(wanted + " probes to remember");
        }
        return Integer.highestOneBit((int) wanted - 1) << 1;
    }

    /**
     * Why a schedule does not fit {@code maxOutstanding}, or null when it does: {@code -W 86400 with -i 0.001 keeps up
     * to 86400001 probes waiting; at most 65536 fit}.
     */
    public static String misfit(Duration interval, Duration timeout, long maxOutstanding, String timeoutName,
                                String intervalName) {
        long waiting = maxWaiting(interval, timeout);
        if (waiting <= maxOutstanding) {
            return null;
        }
        return timeoutName + " " + seconds(timeout) + " with " + intervalName + " " + seconds(interval)
                + " keeps up to " + waiting + " probes waiting; at most " + maxOutstanding + " fit";
    }

    private static String seconds(Duration duration) {
        return new BigDecimal(duration.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
    }
}

package dev.netlab.pingserver.senders;

/**
 * Follows one sender's sequence numbers: gaps are forward loss until the missing number turns up late (then it is
 * reordering, and the gap closes); a 64-number window behind the highest number tells late arrivals from
 * duplicates. A jump beyond {@link #MAX_GAP} or a restart is taken as a new session rather than as loss.
 */
final class SequenceTracker {

    /** A larger jump is a new session (or a forged number), not millions of lost packets. */
    static final long MAX_GAP = 65_536;

    private static final int WINDOW = 64;

    private boolean started;
    private long highest;
    private long last;
    private long window;
    private long forwardLost;
    private long reordered;

    /**
     * Records {@code seq}.
     *
     * @return how many numbers this arrival revealed as missing (for the forward-loss counter)
     */
    long observe(long seq) {
        last = seq;
        if (!started || seq - highest > MAX_GAP || highest - seq > MAX_GAP) {
            started = true;
            highest = seq;
            window = 1;
            return 0;
        }
        if (seq > highest) {
            long shift = seq - highest;
            long gap = shift - 1;
            window = shift >= WINDOW ? 1 : (window << shift) | 1;
            highest = seq;
            forwardLost += gap;
            return gap;
        }
        long offset = highest - seq;
        if (offset < WINDOW) {
            long bit = 1L << offset;
            if ((window & bit) != 0) {
                return 0; // a duplicate: neither loss nor reordering
            }
            window |= bit;
            if (forwardLost > 0) {
                forwardLost--;
            }
        }
        reordered++;
        return 0;
    }

    /** Forgets the session (the sender was silent long enough to count as stopped). */
    void restart() {
        started = false;
    }

    boolean started() {
        return started;
    }

    long last() {
        return last;
    }

    long forwardLost() {
        return forwardLost;
    }

    long reordered() {
        return reordered;
    }
}

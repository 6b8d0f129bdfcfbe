package dev.netlab.pingserver.faults;

/**
 * What happens to one reply, drawn when its datagram arrives.
 *
 * @param drop        the reply is never sent
 * @param delayNanos  how long it waits before it goes out
 * @param duplicate   it goes out twice
 * @param reorder     it is held back and sent after the next reply
 */
public record Fate(boolean drop, long delayNanos, boolean duplicate, boolean reorder) {

    /** Sent at once, once. */
    public static final Fate PLAIN = new Fate(false, 0, false, false);

    /** Never sent. */
    public static final Fate DROPPED = new Fate(true, 0, false, false);

    /** Whether it needs more than an immediate single send. */
    public boolean plain() {
        return !drop && delayNanos == 0 && !duplicate && !reorder;
    }
}

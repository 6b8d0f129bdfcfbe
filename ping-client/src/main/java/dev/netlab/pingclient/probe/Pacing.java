package dev.netlab.pingclient.probe;

import java.time.Duration;

/**
 * How a stream times its sends. {@link #EXACT} (the command): every send at its intended time, from the stream's own
 * thread, which reads with a timeout in between. The service's (its {@code pingclient.send-slot}): sends on a grid of
 * slots shared by every stream of the process, made by the {@link SendTimer}'s one thread, while each stream's own
 * thread only reads; so the streams of one slot share one wake-up for their sends, and no stream's thread ever waits
 * with a timeout.
 *
 * @param slotNanos   the grid's slot; 0 for no grid
 * @param sharedTimer whether the {@link SendTimer} makes the stream's sends and decides its timeouts (the service),
 *                    instead of the stream's own thread (the command)
 */
public record Pacing(long slotNanos, boolean sharedTimer) {

    /** The command's pacing: the exact schedule, sends and timed reads on the stream's own thread. */
    public static final Pacing EXACT = new Pacing(0, false);
    /** A shared grid of 10 ms slots, sends from the shared timer (the service's shape, with its own slot). */
    public static final Pacing SHARED = new Pacing(Duration.ofMillis(10).toNanos(), true);
    /** A schedule uses the grid only when its interval spans this many slots, so that no two sends share a slot. */
    static final long MIN_SLOTS_PER_INTERVAL = 10;

    public Pacing {
        if (slotNanos < 0) {
            throw new IllegalArgumentException("slot must not be negative: " + slotNanos);
        }
    }

    /**
     * When a send intended at {@code intendedNanos} ({@code System.nanoTime()}) goes out: the first instant of the
     * grid at or after it (the grid's instants are the multiples of the slot, the same in every stream), or the
     * intended time itself without a grid or when {@code intervalNanos} spans fewer than
     * {@link #MIN_SLOTS_PER_INTERVAL} slots. The intended times themselves never move, so the rate stays exact.
     */
    public long sendAt(long intendedNanos, long intervalNanos) {
        if (slotNanos == 0 || intervalNanos / slotNanos < MIN_SLOTS_PER_INTERVAL) {
            return intendedNanos;
        }
        return intendedNanos + Math.floorMod(-intendedNanos, slotNanos);
    }
}

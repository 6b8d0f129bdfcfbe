package dev.netlab.pingclient.probe;

import java.time.Duration;

/**
 * How a stream times its sends and what it does between them. {@link #EXACT} (the command): every send at its
 * intended time, and a read always waiting for what arrives. The service's (its {@code pingclient.send-slot}): sends
 * on a grid of slots shared by every stream of the process, and a stream that waits for no reply sleeps until its
 * next send, so that the streams of one slot share their wake-ups instead of each waking an idle core on its own.
 *
 * @param slotNanos     the grid's slot; 0 for no grid
 * @param readWhileIdle whether a stream with no probe waiting for its reply still reads (a duplicate or late reply
 *                      is then timed when it arrives, not at the next wake-up)
 */
public record Pacing(long slotNanos, boolean readWhileIdle) {

    /** The command's pacing: the exact schedule, always reading. */
    public static final Pacing EXACT = new Pacing(0, true);
    /** A shared grid of 10 ms slots, asleep while no reply is awaited (the service's shape, with its own slot). */
    public static final Pacing SHARED = new Pacing(Duration.ofMillis(10).toNanos(), false);
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

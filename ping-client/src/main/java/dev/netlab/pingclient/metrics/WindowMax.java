package dev.netlab.pingclient.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * The decaying maximum as Micrometer's {@code TimeWindowMax} keeps it for a Prometheus registry's timer: three
 * buffers, each the maximum since its last reset, one of them reset every expiry (the registry's step, one minute), so
 * a value is shown for two to three minutes. It lives in five slots of a shared {@code long[]}. The recording thread
 * rotates; a reader computes what a rotation would show without changing anything.
 */
final class WindowMax {

    static final int SLOTS = 5;
    private static final int BUFFERS = 3;
    /** Micrometer rotates once per expiry, not once per expiry divided by the buffers. */
    private static final long ROTATE_MILLIS = 60_000;
    private static final VarHandle AT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots;
    /** Buffers at {@code base .. base + 2}, then the last rotation's time, then the current buffer's index. */
    private final int base;
    private final LongSupplier nowMillis;

    WindowMax(long[] slots, int base, LongSupplier nowMillis) {
        this.slots = slots;
        this.base = base;
        this.nowMillis = nowMillis;
        slots[base + BUFFERS] = nowMillis.getAsLong();
    }

    /** Records {@code value} (one thread: the stream's). */
    void record(long value) {
        long now = nowMillis.getAsLong();
        long last = slots[base + BUFFERS];
        int current = (int) slots[base + BUFFERS + 1];
        long rotations = (now - last) / ROTATE_MILLIS;
        if (rotations > 0) {
            for (long i = 0; i < Math.min(rotations, BUFFERS); i++) {
                AT.setOpaque(slots, base + current, 0L);
                current = (current + 1) % BUFFERS;
            }
            AT.setOpaque(slots, base + BUFFERS + 1, (long) current);
            AT.setOpaque(slots, base + BUFFERS, last + rotations * ROTATE_MILLIS);
        }
        for (int i = 0; i < BUFFERS; i++) {
            if ((long) AT.getOpaque(slots, base + i) < value) {
                AT.setOpaque(slots, base + i, value);
            }
        }
    }

    /** The maximum now: what the buffer current after any due rotations holds, 0 once all have expired. */
    long nanos() {
        long rotations = (nowMillis.getAsLong() - (long) AT.getOpaque(slots, base + BUFFERS)) / ROTATE_MILLIS;
        if (rotations >= BUFFERS) {
            return 0;
        }
        int current = (int) ((long) AT.getOpaque(slots, base + BUFFERS + 1) + rotations) % BUFFERS;
        return (long) AT.getOpaque(slots, base + current);
    }
}

package dev.netlab.kit.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Lets one event through per interval and counts the ones held back in between; lock-free. */
final class LogGate {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextAllowed;
    private final AtomicLong heldBack = new AtomicLong();

    LogGate(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.nextAllowed = new AtomicLong(nanoTime.getAsLong());
    }

    /** Whether this event may be logged; an event that may not is counted as held back. */
    boolean pass() {
        long now = nanoTime.getAsLong();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            return true;
        }
        heldBack.incrementAndGet();
        return false;
    }

    /** The events held back since the last one that passed, counting again from zero. */
    long takeHeldBack() {
        return heldBack.getAndSet(0);
    }
}

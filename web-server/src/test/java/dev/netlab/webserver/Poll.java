package dev.netlab.webserver;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline, for states another thread reaches (a counter, a closed connection). */
final class Poll {

    private Poll() {
    }

    static void until(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}

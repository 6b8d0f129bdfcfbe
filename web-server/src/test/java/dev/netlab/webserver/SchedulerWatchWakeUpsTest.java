package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The watcher is a platform thread on the carriers' CPUs: each of its wake-ups takes the CPU from a carrier for a
 * context switch. With turns of many requests (1,000 connections) it must wake about once per turn and a few times
 * per drain, not every tick: it woke twenty times per 10 ms turn plus once per 50 µs of each drain (3-8 % of the one
 * CPU at 1,000 connections).
 *
 * <p>The canary is held until a drain opens: whether the JDK's scheduler starves it behind the yielders (which opens
 * the drains) is the scheduler's choice and varies between JDK builds and runs; this test is about the watcher's
 * wake-ups once they open.
 */
class SchedulerWatchWakeUpsTest {

    private static final Duration ENDS = Duration.ofSeconds(20);
    /** A request's CPU time: with a hundred yielders per carrier, a round (and a turn) of 10 ms, twenty ticks. */
    private static final Duration REQUEST = Duration.ofNanos(100_000);

    @Test
    void theWatcherWakesAFewTimesPerDrainWhenTurnsAreLong() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        SchedulerWatch watch = HeldCanaryWatch.drainingEveryTurn(stop);
        int yielders = 100 * Runtime.getRuntime().availableProcessors();
        List<Thread> threads = new ArrayList<>();
        // Started from a virtual thread, so that they land on the carriers' local queues, as woken connections do.
        Thread.ofVirtual().start(() -> {
            for (int i = 0; i < yielders; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    watch.connectionStarted();
                    try {
                        while (!stop.get()) {
                            if (!watch.leaveIfDraining()) {
                                busy(REQUEST);
                                watch.yieldTurn();
                            }
                        }
                    } finally {
                        watch.connectionEnded();
                    }
                }));
            }
        }).join();
        try {
            // Past the first drains, while the turn settles from its 1 ms start to the round.
            Poll.until(ENDS, "twenty drains", () -> watch.drains().drains() >= 20);
            long drains = watch.drains().drains();
            long wakeUps = watch.wakeUps();
            Poll.until(ENDS, "forty more drains", () -> watch.drains().drains() >= drains + 40);
            double perDrain = (double) (watch.wakeUps() - wakeUps) / (watch.drains().drains() - drains);
            assertThat(perDrain).as("watcher wake-ups per drain").isLessThan(10);
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    private static void busy(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's carriers kept busy by virtual threads that yield, as connections at saturation do: work woken
 * from outside the carriers (here by this platform thread) must still run promptly when the yielders consult the
 * watch before each yield.
 */
class SchedulerWatchTest {

    /**
     * The watch's own bound: a drain ends within twenty holds of 50 ms whatever the scheduler does. It usually takes
     * well under a millisecond (once 595 ms, on a loaded machine, against an earlier bound of 500 ms); without the
     * watch the work never ran (the test hung).
     */
    private static final Duration PROMPT = Duration.ofSeconds(1);

    @Test
    void workWokenFromOutsideRunsWhileYieldingThreadsKeepTheCarriersBusy() throws Exception {
        SchedulerWatch watch = new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000));
        AtomicBoolean stop = new AtomicBoolean();
        int yielders = 16 * Runtime.getRuntime().availableProcessors();
        CountDownLatch started = new CountDownLatch(yielders);
        List<Thread> threads = new ArrayList<>();
        // Started from a virtual thread, so that they land on the carriers' local queues, as woken connections do.
        Thread.ofVirtual().start(() -> {
            for (int i = 0; i < yielders; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    started.countDown();
                    while (!stop.get()) {
                        if (!watch.leaveIfDraining()) {
                            busy(Duration.ofNanos(20_000));
                            Thread.yield();
                        }
                    }
                }));
            }
        }).join();
        try {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            long slowest = 0;
            for (int i = 0; i < 20; i++) {
                slowest = Math.max(slowest, wokenFromOutsideNanos());
            }
            assertThat(Duration.ofNanos(slowest)).isLessThanOrEqualTo(PROMPT);
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    /**
     * Starts a virtual thread from this platform thread, a submission from outside the carriers; its wait to run, or
     * the time waited for it in vain.
     */
    private static long wokenFromOutsideNanos() throws InterruptedException {
        AtomicLong ranAt = new AtomicLong();
        long submitted = System.nanoTime();
        Thread.ofVirtual().start(() -> ranAt.set(System.nanoTime())).join(PROMPT.multipliedBy(4));
        long ran = ranAt.get();
        return (ran == 0 ? System.nanoTime() : ran) - submitted;
    }

    private static void busy(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}

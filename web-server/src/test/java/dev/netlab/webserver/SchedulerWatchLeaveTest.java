package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A drain is short only if the connections leave at once. The threads the last drain released that have not run yet
 * when the next drain opens must leave again, in their order, not serve a request first: at 1,000 connections a
 * drain opened a turn after the last found a fifth to four fifths of the threads still released ones, so it lasted
 * another round (10-45 ms, against about 2 ms when all leave at once) and every connection waited that long on top
 * of its round.
 */
class SchedulerWatchLeaveTest {

    private static final Duration TICK = Duration.ofNanos(500_000);
    private static final Duration ENDS = Duration.ofSeconds(5);

    private static void await(CountDownLatch latch) {
        try {
            latch.await(ENDS.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aThreadReleasedIntoTheNextDrainLeavesAgainBeforeServing() throws Exception {
        AtomicReference<SchedulerWatch> watched = new AtomicReference<>();
        AtomicInteger canaryWakes = new AtomicInteger();
        AtomicInteger releases = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch sawSecondDrain = new CountDownLatch(1);
        SchedulerWatch.Interleaving interleaving = new SchedulerWatch.Interleaving() {
            @Override
            public void canaryWoke() {
                int wake = canaryWakes.incrementAndGet();
                SchedulerWatch watch = watched.get();
                if (watch == null || done.getCount() == 0) {
                    return;
                }
                if (wake == 1 || watch.drains().drains() == 1 && !watch.draining()) {
                    // Late until a drain is on: the first drain, then the second one after the first ended.
                    Poll.until(ENDS, "a drain opened", watch::draining);
                } else if (watch.drains().drains() == 1) {
                    // Ends the second drain only once the released thread has seen it.
                    await(sawSecondDrain);
                }
            }

            @Override
            public void released() {
                SchedulerWatch watch = watched.get();
                if (releases.incrementAndGet() == 1) {
                    // Released by the first drain, the thread is still queued when the second one opens.
                    Poll.until(ENDS, "the second drain opened", () -> watch.drains().drains() == 1 && watch.draining());
                    sawSecondDrain.countDown();
                }
            }
        };
        SchedulerWatch watch = new SchedulerWatch(Duration.ofMillis(1), TICK, Duration.ofSeconds(60), interleaving);
        watched.set(watch);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong servedInADrain = new AtomicLong();
        AtomicLong served = new AtomicLong();
        Thread connection = Thread.ofPlatform().daemon().name("leave-test-connection").start(() -> {
            while (!stop.get()) {
                watch.leaveIfDraining();
                if (watch.draining()) {
                    servedInADrain.incrementAndGet();
                }
                served.incrementAndGet();
                LockSupport.parkNanos(50_000);
            }
        });
        try {
            Poll.until(ENDS, "two drains ended", () -> watch.drains().drains() >= 2);
            done.countDown();
            long before = served.get();
            Poll.until(ENDS, "requests after the drains", () -> served.get() > before + 10);
            assertThat(releases.get()).as("times the thread was released").isGreaterThanOrEqualTo(2);
            assertThat(servedInADrain.get()).as("requests served while a drain was on").isZero();
        } finally {
            done.countDown();
            sawSecondDrain.countDown();
            stop.set(true);
            connection.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}

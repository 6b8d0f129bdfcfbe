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
 * Every drain ends, whatever the interleaving of the canary and the watcher: the canary is held at its hooks to put
 * it where a loaded scheduler can put it (running just before a drain opens, never running, or ran once but not
 * again), while a stand-in connection asks for its turn as a connection between requests does.
 */
class SchedulerWatchDrainsTest {

    private static final Duration TICK = Duration.ofNanos(500_000);
    /** Generous: a drain ends within a millisecond, or after twenty holds by the fallback; a stuck one never ends. */
    private static final Duration ENDS = Duration.ofSeconds(5);

    /** The connections' watch was made before its constants once, and ended every drain at the next tick. */
    @Test
    void theSharedWatchHoldsLeaversUpToFiftyMilliseconds() {
        assertThat(SchedulerWatch.SHARED.longestHold()).isEqualTo(Duration.ofMillis(50));
    }

    /**
     * The canary runs after the watcher decided to drain but before the drain is on: it does not see the drain, and
     * the drain must still be ended by the canary (woken again), not by the fallback. It stayed on forever before.
     */
    @Test
    void aDrainOpenedJustAfterTheCanaryRanIsEndedByTheCanary() throws Exception {
        CountDownLatch decided = new CountDownLatch(1);
        AtomicInteger canaryWaits = new AtomicInteger();
        AtomicBoolean canaryRanBeforeTheDrain = new AtomicBoolean();
        SchedulerWatch.Interleaving interleaving = new SchedulerWatch.Interleaving() {
            @Override
            public void canaryWaits() {
                canaryWaits.incrementAndGet();
            }

            @Override
            public void canaryWoke() {
                // Lags until the watcher decides to drain, as a canary behind a full local queue does.
                await(decided);
            }

            @Override
            public void drainOpening() {
                if (decided.getCount() == 1) {
                    int waits = canaryWaits.get();
                    decided.countDown();
                    // The canary runs through and waits again before the drain is on.
                    Poll.until(ENDS, "the canary ran", () -> canaryWaits.get() > waits);
                    canaryRanBeforeTheDrain.set(true);
                }
            }
        };
        // A long turn and a longer fallback: no drain but the forced one, and only the canary can end it in time.
        SchedulerWatch watch = new SchedulerWatch(Duration.ofMillis(20), TICK, Duration.ofSeconds(60), interleaving);
        try (Requests requests = new Requests(watch)) {
            Poll.until(ENDS, "the watcher decided to drain after the canary ran", canaryRanBeforeTheDrain::get);

            Poll.until(ENDS, "the drain ended", () -> !watch.draining());
            requests.assertServedAfterTheDrain();
            Poll.until(ENDS, "the drain counted", () -> watch.drains().drains() > 0);
            DrainTally.Totals drains = watch.drains();
            assertThat(drains.drains()).as("%s", drains).isPositive();
            assertThat(drains.endedByFallback()).as("%s", drains).isZero();
            assertThat(drains.canaryRearms()).as("%s", drains).isPositive();
        } finally {
            decided.countDown();
        }
    }

    /** The canary is never run: the drain ends by the fallback, and requests go on. It stayed on forever before. */
    @Test
    void aDrainWhoseCanaryNeverRunsEndsByTheFallback() throws Exception {
        AtomicBoolean opening = new AtomicBoolean();
        CountDownLatch never = new CountDownLatch(1);
        SchedulerWatch.Interleaving interleaving = new SchedulerWatch.Interleaving() {
            @Override
            public void canaryWoke() {
                await(never);
            }

            @Override
            public void drainOpening() {
                opening.set(true);
            }
        };
        SchedulerWatch watch = new SchedulerWatch(Duration.ofMillis(1), TICK, Duration.ofMillis(20), interleaving);
        try (Requests requests = new Requests(watch)) {
            Poll.until(ENDS, "a drain started", opening::get);

            // Drains the fallback ends follow each other a turn apart: counted, since a poll can miss the gaps.
            Poll.until(ENDS, "the drain ended", () -> watch.drains().endedByFallback() > 0);
            requests.assertServedAfterTheDrain();
            assertThat(watch.drains().longest()).as("the fallback waits for twenty holds")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(20 * 20));
            assertThat(watch.drains().pastTheHold()).isPositive();
        } finally {
            never.countDown();
        }
    }

    /**
     * The canary runs in the drain once, then is not run again to release the leavers: the drain ends by the fallback.
     * It stayed on forever before (the fallback only covered a canary that had not run at all).
     */
    @Test
    void aDrainWhoseCanaryRunsOnceButNotToReleaseEndsByTheFallback() throws Exception {
        AtomicReference<SchedulerWatch> watched = new AtomicReference<>();
        AtomicInteger wakes = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        SchedulerWatch.Interleaving interleaving = new SchedulerWatch.Interleaving() {
            @Override
            public void canaryWoke() {
                int wake = wakes.incrementAndGet();
                if (wake == 1) {
                    // Lags until the drain is on, then runs in it.
                    Poll.until(ENDS, "the drain opened", () -> watched.get() != null && watched.get().draining());
                } else {
                    await(never);
                }
            }
        };
        // A drain long enough for the canary's poll to see it on (twenty holds: 2 s).
        SchedulerWatch watch = new SchedulerWatch(Duration.ofMillis(1), TICK, Duration.ofMillis(100), interleaving);
        watched.set(watch);
        try (Requests requests = new Requests(watch)) {
            Poll.until(ENDS, "the canary ran in the drain and was asked to release", () -> wakes.get() >= 2);

            Poll.until(ENDS, "the drain ended", () -> watch.drains().endedByFallback() > 0);
            requests.assertServedAfterTheDrain();
        } finally {
            never.countDown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A stand-in connection: asks for its turn before each request, as a connection's thread does between them. */
    private static final class Requests implements AutoCloseable {

        private final SchedulerWatch watch;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong served = new AtomicLong();
        private final Thread thread;

        Requests(SchedulerWatch watch) {
            this.watch = watch;
            this.thread = Thread.ofPlatform().daemon().name("drain-test-requests").start(this::run);
        }

        private void run() {
            while (!stop.get()) {
                watch.leaveIfDraining();
                served.incrementAndGet();
                // A request's worth of pause; the watcher counts requests to tell a busy scheduler from an idle one.
                LockSupport.parkNanos(50_000);
            }
        }

        /** The stand-in goes on being served once the drain is over. */
        void assertServedAfterTheDrain() {
            long before = served.get();
            Poll.until(ENDS, "requests after the drain", () -> served.get() > before + 10);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}

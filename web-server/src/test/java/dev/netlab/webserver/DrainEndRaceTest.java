package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A thread that saw a drain on but joined its leavers only after the drain ended (and its release had run) must not
 * park: no later drain comes when the load stops, and its connection's request would wait unanswered.
 */
class DrainEndRaceTest {

    private static final Duration ENDS = Duration.ofSeconds(5);

    @Test
    void aThreadThatJoinsTheLeaversAfterTheDrainEndedGoesOn() throws Exception {
        CountDownLatch canaryMayRun = new CountDownLatch(1);
        CountDownLatch joining = new CountDownLatch(1);
        CountDownLatch mayJoin = new CountDownLatch(1);
        SchedulerWatch watch = new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000),
                Duration.ofSeconds(30), new SchedulerWatch.Interleaving() {
                    @Override
                    public void canaryWoke() {
                        await(canaryMayRun);
                    }

                    @Override
                    public void leaverJoining() {
                        joining.countDown();
                        await(mayJoin);
                    }
                });
        Poll.until(ENDS, "a drain on", watch::draining);
        Thread leaver = Thread.ofVirtual().start(watch::yieldTurn);
        assertThat(joining.await(ENDS.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        canaryMayRun.countDown();
        Poll.until(ENDS, "the drain ended", () -> !watch.draining());
        mayJoin.countDown();

        assertThat(leaver.join(ENDS)).as("the late leaver went on without a drain to wake it").isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A drain wakes its leavers in the order their connections were last answered, not the order they left. A drain that
 * opens mid-round finds both kinds in the local queue: threads released by the last drain and not yet run (each is
 * answered in the drain, then leaves at its next wait) and threads answered earlier in the round (they leave as they
 * resume from their yield, after the first kind). Woken in the order they left, the first kind was answered again
 * before the second, which waited up to two rounds: at 1,000 connections 30-58 ms for one request in a hundred.
 */
class DrainWakeOrderTest {

    private static final Duration ENDS = Duration.ofSeconds(5);

    @Test
    void aConnectionAnsweredBeforeTheDrainIsWokenBeforeOneAnsweredInIt() throws Exception {
        CountDownLatch canaryMayRun = new CountDownLatch(1);
        SchedulerWatch watch = HeldCanaryWatch.until(canaryMayRun);
        Thread answeredInTheDrain = null;
        Thread answeredBefore = null;
        try {
            Poll.until(ENDS, "a drain on", watch::draining);
            // Answered in the drain: it reaches its wait for the next request while the drain is on, and leaves first.
            answeredInTheDrain = Thread.ofVirtual().start(watch::leaveIfDraining);
            Poll.until(ENDS, "the first leaver parked", () -> watch.leaves() == 1);
            // Answered before the drain: it yielded then, and leaves as it resumes.
            answeredBefore = Thread.ofVirtual().start(watch::yieldTurn);
            Poll.until(ENDS, "the second leaver parked", () -> watch.leaves() == 2);

            assertThat(watch.leaversInWakeOrder()).containsExactly(answeredBefore, answeredInTheDrain);

            canaryMayRun.countDown();
            Poll.until(ENDS, "the drain ended", () -> !watch.draining());
            assertThat(answeredBefore.join(Duration.ofSeconds(5))).as("woken").isTrue();
            assertThat(answeredInTheDrain.join(Duration.ofSeconds(5))).as("woken").isTrue();
        } finally {
            canaryMayRun.countDown();
        }
    }
}

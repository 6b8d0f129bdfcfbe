package dev.netlab.pingserver.senders;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {

    private final SequenceTracker tracker = new SequenceTracker();

    @Test
    void consecutiveNumbersLoseNothing() {
        for (long seq = 1; seq <= 10; seq++) {
            assertThat(tracker.observe(seq)).isZero();
        }
        assertThat(tracker.forwardLost()).isZero();
        assertThat(tracker.reordered()).isZero();
        assertThat(tracker.last()).isEqualTo(10);
    }

    @Test
    void aGapIsForwardLoss() {
        tracker.observe(1);
        assertThat(tracker.observe(5)).isEqualTo(3);
        assertThat(tracker.forwardLost()).isEqualTo(3);
    }

    @Test
    void aLateArrivalIsReorderingAndClosesItsGap() {
        tracker.observe(1);
        tracker.observe(2);
        tracker.observe(5);
        assertThat(tracker.observe(4)).isZero();
        assertThat(tracker.forwardLost()).isEqualTo(1);
        assertThat(tracker.reordered()).isEqualTo(1);
        assertThat(tracker.last()).isEqualTo(4);
    }

    @Test
    void aDuplicateIsNeitherLossNorReordering() {
        tracker.observe(1);
        tracker.observe(2);
        tracker.observe(2);
        tracker.observe(1);
        assertThat(tracker.forwardLost()).isZero();
        assertThat(tracker.reordered()).isZero();
    }

    @Test
    void aHugeJumpIsANewSessionNotMillionsLost() {
        tracker.observe(1);
        assertThat(tracker.observe(1 + SequenceTracker.MAX_GAP + 1)).isZero();
        assertThat(tracker.forwardLost()).isZero();
    }

    @Test
    void aRestartForgetsTheOldNumbers() {
        tracker.observe(100);
        tracker.restart();
        tracker.observe(1);
        tracker.observe(2);
        assertThat(tracker.reordered()).isZero();
        assertThat(tracker.forwardLost()).isZero();
    }
}

package dev.netlab.pingclient.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The matching rules, from nanosecond values alone. */
class ProbeTrackerTest {

    private static final long MS = 1_000_000L;
    private final ProbeTracker tracker = new ProbeTracker(100 * MS, 16);

    @Test
    void aReplyWithinTheTimeoutIsReceivedWithItsOwnRtt() {
        tracker.sent(1, 0, 11);
        tracker.sent(2, 10 * MS, 22);
        assertThat(tracker.expire(15 * MS)).isEmpty();
        assertThat(tracker.reply(2, 22, 15 * MS)).isEqualTo(new ProbeTracker.InTime(2, 5 * MS, false));
        assertThat(tracker.reply(1, 11, 16 * MS)).isEqualTo(new ProbeTracker.InTime(1, 16 * MS, true));
        assertThat(tracker.outstanding()).isZero();
    }

    @Test
    void lateReplyIsNotCreditedToTheNextProbe() {
        tracker.sent(1, 0, 11);
        tracker.sent(2, 90 * MS, 22);
        assertThat(tracker.expire(120 * MS)).containsExactly(1L);
        // seq 1's reply arrives while seq 2 waits: it stays seq 1's, late.
        assertThat(tracker.reply(1, 11, 120 * MS)).isEqualTo(new ProbeTracker.Late(1, 120 * MS));
        assertThat(tracker.outstanding()).isEqualTo(1);
        assertThat(tracker.reply(2, 22, 121 * MS)).isInstanceOf(ProbeTracker.InTime.class);
    }

    @Test
    void aLostProbeIsCountedOnceAndNeverMovedBack() {
        tracker.sent(1, 0, 11);
        assertThat(tracker.expire(101 * MS)).containsExactly(1L);
        assertThat(tracker.expire(500 * MS)).isEmpty();
        assertThat(tracker.reply(1, 11, 600 * MS)).isInstanceOf(ProbeTracker.Late.class);
        assertThat(tracker.reply(1, 11, 601 * MS)).isInstanceOf(ProbeTracker.Duplicate.class);
        assertThat(tracker.expire(700 * MS)).isEmpty();
    }

    @Test
    void theDeadlineItselfIsStillInTime() {
        tracker.sent(1, 0, 11);
        assertThat(tracker.expire(100 * MS)).isEmpty();
        assertThat(tracker.reply(1, 11, 100 * MS)).isInstanceOf(ProbeTracker.InTime.class);
    }

    @Test
    void aSecondReplyIsADuplicate() {
        tracker.sent(1, 0, 11);
        tracker.reply(1, 11, MS);
        assertThat(tracker.reply(1, 11, 2 * MS)).isEqualTo(new ProbeTracker.Duplicate(1, 2 * MS));
    }

    @Test
    void aWrongNonceOrUnknownSequenceIsUnmatched() {
        tracker.sent(1, 0, 11);
        assertThat(tracker.reply(1, 99, MS)).isInstanceOf(ProbeTracker.Unmatched.class);
        assertThat(tracker.reply(7, 11, MS)).isInstanceOf(ProbeTracker.Unmatched.class);
        // The real reply still counts.
        assertThat(tracker.reply(1, 11, 2 * MS)).isInstanceOf(ProbeTracker.InTime.class);
    }

    @Test
    void probesOlderThanTheMemoryAreForgotten() {
        for (int seq = 1; seq <= 20; seq++) {
            tracker.sent(seq, seq * MS, seq);
        }
        assertThat(tracker.reply(1, 1, 30 * MS)).isInstanceOf(ProbeTracker.Unmatched.class);
        assertThat(tracker.reply(20, 20, 30 * MS)).isInstanceOf(ProbeTracker.InTime.class);
    }

    @Test
    void nextDeadlineIsTheOldestWaitingProbes() {
        assertThat(tracker.nextDeadline()).isEmpty();
        tracker.sent(1, 0, 1);
        tracker.sent(2, 10 * MS, 2);
        tracker.reply(1, 1, MS);
        assertThat(tracker.nextDeadline()).hasValue(110 * MS);
    }
}

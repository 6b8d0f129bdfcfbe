package dev.netlab.pingclient.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The matching rules, from nanosecond values alone. */
class ProbeTrackerTest {

    private static final long MS = 1_000_000L;
    private final Recorder events = new Recorder();
    private final ProbeTracker tracker = new ProbeTracker(100 * MS, 16, events);

    private List<Long> expire(long nowNanos) {
        int before = events.lost.size();
        tracker.expire(nowNanos);
        return List.copyOf(events.lost.subList(before, events.lost.size()));
    }

    @Test
    void aReplyWithinTheTimeoutIsReceivedWithItsOwnRtt() {
        tracker.sent(1, 0, 11);
        tracker.sent(2, 10 * MS, 22);
        assertThat(expire(15 * MS)).isEmpty();
        assertThat(tracker.reply(2, 22, 15 * MS)).isEqualTo(new ProbeTracker.InTime(2, 5 * MS, false));
        assertThat(tracker.reply(1, 11, 16 * MS)).isEqualTo(new ProbeTracker.InTime(1, 16 * MS, true));
        assertThat(tracker.outstanding()).isZero();
    }

    @Test
    void lateReplyIsNotCreditedToTheNextProbe() {
        tracker.sent(1, 0, 11);
        tracker.sent(2, 90 * MS, 22);
        assertThat(expire(120 * MS)).containsExactly(1L);
        // seq 1's reply arrives while seq 2 waits: it stays seq 1's, late.
        assertThat(tracker.reply(1, 11, 120 * MS)).isEqualTo(new ProbeTracker.Late(1, 120 * MS));
        assertThat(tracker.outstanding()).isEqualTo(1);
        assertThat(tracker.reply(2, 22, 121 * MS)).isInstanceOf(ProbeTracker.InTime.class);
    }

    @Test
    void aLostProbeIsCountedOnceAndNeverMovedBack() {
        tracker.sent(1, 0, 11);
        assertThat(expire(101 * MS)).containsExactly(1L);
        assertThat(expire(500 * MS)).isEmpty();
        assertThat(tracker.reply(1, 11, 600 * MS)).isInstanceOf(ProbeTracker.Late.class);
        assertThat(tracker.reply(1, 11, 601 * MS)).isInstanceOf(ProbeTracker.Duplicate.class);
        assertThat(expire(700 * MS)).isEmpty();
    }

    @Test
    void theDeadlineItselfIsStillInTime() {
        tracker.sent(1, 0, 11);
        assertThat(expire(100 * MS)).isEmpty();
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

    @Test
    void everyProbeIsDecidedOnceWhenItsTimeoutPassesAnsweredOrNot() {
        tracker.sent(1, 0, 1);
        tracker.sent(2, 10 * MS, 2);
        tracker.sent(3, 20 * MS, 3);
        tracker.reply(1, 1, MS);
        assertThat(events.decided).isEmpty();
        assertThat(expire(111 * MS)).containsExactly(2L);
        assertThat(events.decided).containsExactly(1L, 2L);
        tracker.settleAll();
        assertThat(events.lost).containsExactly(2L, 3L);
        assertThat(events.decided).containsExactly(1L, 2L, 3L);
    }

    @Test
    void theRingHoldsEveryWaitingProbeAndStaysBoundedWhateverIsSent() {
        // 20,000 probes, none answered, 1 ms apart with a 100 ms timeout: at most ~101 wait, 16 slots are asked for.
        ProbeTracker bounded = new ProbeTracker(100 * MS, ProbeMemory.slots(Duration.ofMillis(1), Duration.ofMillis(100)),
                events);
        for (int seq = 1; seq <= 20_000; seq++) {
            bounded.expire(seq * MS);
            bounded.sent(seq, seq * MS, seq);
            assertThat(bounded.reply(Math.max(1, seq - 100), Math.max(1, seq - 100), seq * MS))
                    .isNotInstanceOf(ProbeTracker.Unmatched.class);
        }
        assertThat(bounded.slots()).isEqualTo(4_096);
        // Forged sequence numbers credit nothing: in the future, zero, negative, or forgotten.
        for (long forged : new long[] {20_001, 0, -5, 1}) {
            assertThat(bounded.reply(forged, forged, 20_000 * MS)).isInstanceOf(ProbeTracker.Unmatched.class);
        }
    }

    @Test
    void aBurstBeyondTheRingDecidesTheOldestProbeEarlyInsteadOfGrowing() {
        ProbeTracker small = new ProbeTracker(1_000 * MS, 16, events);
        for (int seq = 1; seq <= 17; seq++) {
            small.sent(seq, seq * MS, seq);
        }
        assertThat(events.lost).containsExactly(1L);
        assertThat(small.outstanding()).isEqualTo(16);
    }
}

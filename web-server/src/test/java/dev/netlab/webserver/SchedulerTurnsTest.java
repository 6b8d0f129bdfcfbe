package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchedulerTurnsTest {

    private static final long MS = 1_000_000;

    @Test
    void nobodyLeavesWithinATurn() {
        SchedulerTurns turns = new SchedulerTurns(Duration.ofMillis(2), 0);
        assertThat(turns.seat().leaveNow(MS)).isFalse();
        assertThat(turns.seat().leaveNow(2 * MS - 1)).isFalse();
    }

    @Test
    void onceATurnIsOverEverySeatLeavesOnce() {
        SchedulerTurns turns = new SchedulerTurns(Duration.ofMillis(2), 0);
        SchedulerTurns.Seat a = turns.seat();
        SchedulerTurns.Seat b = turns.seat();
        assertThat(a.leaveNow(3 * MS)).isTrue();
        assertThat(a.leaveNow(3 * MS)).isFalse();
        assertThat(b.leaveNow(4 * MS)).isTrue();
        assertThat(b.leaveNow(5 * MS)).isFalse();
    }

    @Test
    void theFirstSeatBackStartsTheNextTurn() {
        SchedulerTurns turns = new SchedulerTurns(Duration.ofMillis(2), 0);
        SchedulerTurns.Seat a = turns.seat();
        SchedulerTurns.Seat b = turns.seat();
        assertThat(a.leaveNow(3 * MS)).isTrue();
        assertThat(b.leaveNow(3 * MS)).isTrue();
        a.back(4 * MS);
        b.back(5 * MS);
        // The turn started when a came back; b's later return did not move it.
        assertThat(a.leaveNow(6 * MS - 1)).isFalse();
        assertThat(a.leaveNow(6 * MS)).isTrue();
        assertThat(b.leaveNow(6 * MS)).isTrue();
    }

    @Test
    void withInputReadyATimedLeaveWaitsForAFewAnswersAndIsTriedAgainMeanwhile() {
        SchedulerTurns turns = new SchedulerTurns(Duration.ZERO, 0);
        SchedulerTurns.Seat seat = turns.seat();
        for (int answer = 1; answer < 8; answer++) {
            assertThat(seat.leaveNow(answer)).as("answer %d", answer).isTrue();
            assertThat(seat.leaveWithInputReady()).as("answer %d", answer).isFalse();
        }
        assertThat(seat.leaveNow(8)).isTrue();
        assertThat(seat.leaveWithInputReady()).isTrue();
        seat.back(9);
        assertThat(seat.leaveNow(10)).isTrue();
        assertThat(seat.leaveWithInputReady()).isFalse();
    }

    @Test
    void aTurnCannotBeNegative() {
        assertThatThrownBy(() -> new SchedulerTurns(Duration.ofMillis(-1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }
}

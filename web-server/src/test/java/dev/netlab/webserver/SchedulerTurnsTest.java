package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTurnsTest {

    @Test
    void everyTurnEndsAfterItsNumberOfAnswers() {
        SchedulerTurns turns = new SchedulerTurns(3);
        List<Boolean> ends = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ends.add(turns.answered());
        }
        assertThat(ends).containsExactly(false, false, true, false, false, true, false, false, true);
    }

    @Test
    void aTurnOfOneAnswerLeavesEveryTime() {
        SchedulerTurns turns = new SchedulerTurns(1);
        assertThat(turns.answered()).isTrue();
        assertThat(turns.answered()).isTrue();
    }

    @Test
    void aTurnHasAtLeastOneAnswer() {
        assertThatThrownBy(() -> new SchedulerTurns(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}

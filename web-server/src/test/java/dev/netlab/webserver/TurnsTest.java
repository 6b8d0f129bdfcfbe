package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The connections' turns: taken in the order asked for, each ended once, whoever waits gets the one ended. */
class TurnsTest {

    private static final Duration ENDS = Duration.ofSeconds(5);

    @Test
    void aFreeTurnIsTakenWithoutWaitingAndEndedOnce() {
        Turns turns = new Turns(2);
        Turns.Hold hold = new Turns.Hold(turns);
        assertThat(hold.take()).as("waited for a free turn").isFalse();
        assertThat(hold.held()).isTrue();
        assertThat(turns.free()).isEqualTo(1);
        hold.end();
        hold.end();
        assertThat(hold.held()).isFalse();
        assertThat(turns.free()).as("an end without a turn held gives nothing back").isEqualTo(2);
    }

    @Test
    void takingAgainEndsTheTurnHeldFirst() {
        Turns turns = new Turns(1);
        Turns.Hold hold = new Turns.Hold(turns);
        hold.take();
        assertThat(hold.take()).as("the only turn, ended and taken again with nobody waiting").isFalse();
        assertThat(turns.free()).isZero();
    }

    @Test
    void waitingThreadsGetTheTurnInTheOrderTheyAsked() throws Exception {
        Turns turns = new Turns(1);
        Turns.Hold mine = new Turns.Hold(turns);
        mine.take();
        List<String> served = new CopyOnWriteArrayList<>();
        List<Thread> waiters = new java.util.ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            int ahead = waiters.size();
            waiters.add(Thread.ofVirtual().start(() -> {
                Turns.Hold hold = new Turns.Hold(turns);
                boolean waited = hold.take();
                served.add(name + (waited ? "" : " without waiting"));
                hold.end();
            }));
            // Each one queued before the next asks: the order asked is the order started.
            Poll.until(ENDS, name + " waiting", () -> turns.waiting() == ahead + 1);
        }
        // A thread that asks while others wait goes behind them, even with a turn free for an instant.
        mine.end();
        for (Thread waiter : waiters) {
            waiter.join(ENDS.toMillis());
            assertThat(waiter.isAlive()).isFalse();
        }
        assertThat(served).containsExactly("a", "b", "c", "d");
        assertThat(turns.free()).isEqualTo(1);
    }

    @Test
    void thereIsAlwaysATurn() {
        assertThatThrownBy(() -> new Turns(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutALimitNobodyWaits() {
        Turns turns = Turns.unlimited();
        Turns.Hold first = new Turns.Hold(turns);
        Turns.Hold second = new Turns.Hold(turns);
        assertThat(first.take()).isFalse();
        assertThat(second.take()).isFalse();
        assertThat(first.held()).as("nothing to give back").isFalse();
        first.end();
        second.end();
        assertThat(turns.waiting()).isZero();
    }
}

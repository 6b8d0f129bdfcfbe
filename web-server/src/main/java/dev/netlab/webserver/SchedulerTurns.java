package dev.netlab.webserver;

import java.util.concurrent.locks.LockSupport;

/**
 * How often a kept-alive connection's virtual thread lets the JDK scheduler's outside queue run.
 *
 * <p>Between requests the thread yields: the other connections run first, by then the client's next request has
 * usually arrived, and the read finds it without parking and a round trip through the poller (half the CPU time per
 * small request). But a yield goes to the carrier's local queue, and a carrier empties its local queue before it
 * takes anything submitted from outside, such as the poller waking a thread whose read or write had to park. At
 * saturation, with every other thread yielding, that queue never empties, and the woken thread starved for hundreds
 * of milliseconds to seconds. So once every few answers (a turn) each thread leaves the local queue instead of
 * yielding: its read parks in the poller, or, when the next request is already there (a pipelining client), a short
 * timed park sends it through the same outside queue. Within one turn of every connection all threads have left, the
 * local queue empties, and everything woken from outside runs. Counted in answers, not in time: a server starved of
 * CPU time would otherwise leave on every answer and pay the poller each time.
 */
final class SchedulerTurns {

    /** Answers per turn: the poller's cost is shared by this many answers; a woken thread waits this many rounds. */
    static final int ANSWERS_PER_TURN = 8;
    private static final long LEAVE_PARK_NANOS = 1_000;

    private final int answersPerTurn;
    private int answers;

    SchedulerTurns(int answersPerTurn) {
        if (answersPerTurn < 1) {
            throw new IllegalArgumentException("answers per turn must be at least 1: " + answersPerTurn);
        }
        this.answersPerTurn = answersPerTurn;
    }

    /** Counts an answer; true when it ends the turn: before the next request the thread leaves the local queue. */
    boolean answered() {
        if (++answers < answersPerTurn) {
            return false;
        }
        answers = 0;
        return true;
    }

    /** Leaves the carrier's local queue while input is ready: the timed park's wake-up comes from outside it. */
    static void leaveLocalQueue() {
        LockSupport.parkNanos(LEAVE_PARK_NANOS);
    }
}

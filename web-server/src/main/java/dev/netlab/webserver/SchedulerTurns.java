package dev.netlab.webserver;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * When kept-alive connections' virtual threads let the JDK scheduler's outside queue run.
 *
 * <p>Between requests a connection's thread yields: the other connections run first, by then the client's next
 * request has usually arrived, and the read finds it without parking and a round trip through the poller (half the
 * CPU time per small request). But a yield goes to the carrier's local queue, and a carrier empties its local queue
 * before it takes anything submitted from outside, such as the poller waking a thread whose read or write had to
 * park. At saturation, with every other thread yielding, that queue never emptied, and a woken thread starved for
 * hundreds of milliseconds to seconds. So once a turn is over, every thread leaves the local queue once instead of
 * yielding: its read parks in the poller, or, when the next request is already there (a pipelining client), a short
 * timed park sends it through the same outside queue. When all have left, the local queue is empty and everything
 * woken from outside runs; the first thread back starts the next turn. A woken thread waits about a turn, a leaving
 * one about one round of the connections. The turns are shared by the whole JVM, like the scheduler's carriers.
 */
final class SchedulerTurns {

    /** The JVM's turns: 2 ms, a few answers per connection at 64 connections between two leaves. */
    static final SchedulerTurns SHARED = new SchedulerTurns(Duration.ofMillis(2), System.nanoTime());
    private static final long LEAVE_PARK_NANOS = 1_000;
    /** A thread whose next request is already there leaves by a timer at most once per this many answers. */
    private static final int ANSWERS_PER_TIMED_LEAVE = 8;

    private final long turnNanos;
    private final AtomicLong turn = new AtomicLong();
    private volatile long turnStart;

    SchedulerTurns(Duration turn, long now) {
        if (turn.isNegative()) {
            throw new IllegalArgumentException("a turn cannot be negative: " + turn);
        }
        this.turnNanos = turn.toNanos();
        this.turnStart = now;
    }

    /** A connection's place in the turns. Not thread-safe: one per connection thread. */
    Seat seat() {
        return new Seat();
    }

    /** One connection thread's record of the last turn it left in. */
    final class Seat {
        private long leftIn = -1;
        private int answers;

        private Seat() {
        }

        /**
         * Counts an answer; whether the thread must leave the local queue before its next request: the turn is over
         * and it has not left in it yet. Without input ready, the read that follows leaves (it parks in the poller).
         */
        boolean leaveNow(long now) {
            answers++;
            long current = turn.get();
            if (leftIn == current || now - turnStart < turnNanos) {
                return false;
            }
            leftIn = current;
            return true;
        }

        /**
         * With the next request already readable, leaves by a short timed park, whose wake-up comes from outside the
         * local queue; false (and the leave is tried again at the next answer) when the thread left less than a few
         * answers ago: on a machine short of CPU every answer may end a turn, and a timer per answer would cost more
         * than the answers.
         */
        boolean leaveWithInputReady() {
            if (answers < ANSWERS_PER_TIMED_LEAVE) {
                leftIn = -1;
                return false;
            }
            LockSupport.parkNanos(LEAVE_PARK_NANOS);
            return true;
        }

        /** The thread is back from leaving: the local queue has been emptied, the first one back starts a turn. */
        void back(long now) {
            answers = 0;
            if (turn.get() == leftIn) {
                turnStart = now;
                turn.compareAndSet(leftIn, leftIn + 1);
            }
        }
    }
}

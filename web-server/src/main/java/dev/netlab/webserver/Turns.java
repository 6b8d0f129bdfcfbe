package dev.netlab.webserver;

import dev.netlab.webserver.http.Carriers;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The connections' turns: at most a few connection threads read and answer at once, and the others wait for their
 * turn in the order they asked for it.
 *
 * <p>Why not {@code Thread.yield()} alone: on JDK 25 a virtual thread that yields while its carrier's own queue is
 * empty goes to the scheduler's shared submission queue instead, which the carriers take from only when their own
 * queues are empty. With two carriers at 1,000 keep-alive connections that queue held a third of the connections on
 * average (at times all of them), behind the connections in the carriers' own queues, and the poller's and the
 * scheduler watch's work waited behind them: answers took up to five rounds of the connections (bench/RESULTS.md,
 * "Where the both-CPU tail waits"). A connection that waits for its turn parks instead; the turn that ends wakes the
 * longest-waiting one into the ending carrier's own queue, so the carriers' queues hold only the few threads that
 * have a turn, and every waiting connection is answered once per round, in order.
 *
 * <p>A turn is held only while its thread runs: a connection ends its turn before anything that can wait on its
 * client (a read that finds nothing, every write), so a slow or silent client never holds one. The one other wait
 * with a turn held is a scheduler drain's (see {@link SchedulerWatch}), which the watch ends within its hold: a thread
 * that resumes from its wait for a turn into a drain leaves there at once, so the turns stop passing and the carriers'
 * queues empty.
 */
final class Turns {

    /** The turns, or null when there is no limit (a single carrier). */
    private final Semaphore turns;

    /** Turns for at most {@code concurrent} connection threads at once. */
    Turns(int concurrent) {
        if (concurrent < 1) {
            throw new IllegalArgumentException("at least one turn at a time, not " + concurrent);
        }
        this.turns = new Semaphore(concurrent, true);
    }

    private Turns() {
        this.turns = null;
    }

    /** No limit: every turn is free, and connections yield as they would without turns. */
    static Turns unlimited() {
        return new Turns();
    }

    /**
     * Turns for twice the scheduler's carriers (each carrier runs one connection while the next waits in its queue),
     * or none on a single carrier: its own queue is not empty while other connections wait, so a yield stays in it,
     * and there the turns cost a 64 KiB answer about a fifth more CPU (bench/RESULTS.md, "Where the both-CPU tail
     * waits").
     */
    static Turns forScheduler() {
        int carriers = Carriers.count();
        return carriers > 1 ? new Turns(2 * carriers) : unlimited();
    }

    /**
     * Takes a turn behind the connections already waiting for one.
     *
     * @return false when it was free and nobody waited (the caller did not wait), true when the caller waited
     */
    boolean take() {
        if (turns == null) {
            return false;
        }
        try {
            // The timed form keeps the order: it never takes a free turn ahead of a thread that waits.
            if (turns.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            // Connection threads are not interrupted; should one be, it waits as the others do.
            Thread.currentThread().interrupt();
        }
        turns.acquireUninterruptibly();
        return true;
    }

    /** Ends a turn: the longest-waiting connection, if any, gets it. */
    void end() {
        if (turns != null) {
            turns.release();
        }
    }

    /** Whether there is a limit: without one, nobody ever waits for a turn. */
    boolean limited() {
        return turns != null;
    }

    /** How many connection threads wait for a turn now (tests). */
    int waiting() {
        return turns == null ? 0 : turns.getQueueLength();
    }

    /** How many turns are free now (tests); with no limit, Integer.MAX_VALUE. */
    int free() {
        return turns == null ? Integer.MAX_VALUE : turns.availablePermits();
    }

    /** One connection's hold on a turn: ended at most once per turn taken, whoever ends it. */
    static final class Hold {

        private final Turns turns;
        /** Whether this connection holds a turn (its own thread only). */
        private boolean held;

        Hold(Turns turns) {
            this.turns = turns;
        }

        /** Takes a turn, ending the one held first; true when the caller waited behind others. */
        boolean take() {
            end();
            boolean waited = turns.take();
            held = turns.limited();
            return waited;
        }

        /** Ends the turn held, if any: before anything that can wait on the client. */
        void end() {
            if (held) {
                held = false;
                turns.end();
            }
        }

        /** Whether this connection holds a turn now (never without a limit: there is nothing to give back). */
        boolean held() {
            return held;
        }
    }
}

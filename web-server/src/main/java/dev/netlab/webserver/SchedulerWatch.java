package dev.netlab.webserver;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the virtual-thread scheduler running the work submitted from outside its carriers while connections yield,
 * and keeps the connections served in one order.
 *
 * <p>Between requests a connection's thread yields: the other connections run first, by then the client's next
 * request has usually arrived, and the read finds it without a round trip through the poller (half the CPU time per
 * small request). But a yield goes to the carrier's local queue, and a carrier empties its local queue before it
 * takes anything submitted from outside: a thread the poller woke, a new connection, a timer. At saturation the
 * yielding threads kept the local queue full and such work waited for seconds.
 *
 * <p>So a canary virtual thread is woken from outside, again once it has run (at most once a tick). When it has
 * waited longer than a turn, the scheduler is starving that work, and a drain starts. The watcher sleeps while it has
 * nothing to decide (until the canary is late; in a drain, until the canary runs), since its every wake-up takes the
 * CPU from a carrier. A turn is one round of the connections (their number times
 * the time one request takes, measured each tick), at least a millisecond and at most 50: work from outside then
 * waits about as long as a yielding connection does, whether 64 or 1,000 connections share the carriers. In a drain
 * each connection thread parks in a queue of leavers instead of running its next request: the threads waiting in
 * the local queue leave as soon as they resume from their yield, so the local queue empties within a few
 * microseconds per connection, not a round of requests. The carriers then take the work from outside, the canary
 * among it. The leavers are held until the carriers have nothing else left to run (or briefly after the canary ran),
 * then the canary, itself on a carrier, wakes them in the order they were last answered (those that left as they
 * resumed from their yield, then those answered in the drain, each in the order they left): they return to its local
 * queue in that order, and the connections keep one round-robin order across drains (released from outside instead,
 * they came back through a second queue and were served less often than the ones the poller woke). With no
 * starvation the watch costs a wake-up per turn and nothing per request; with no requests it sleeps.
 *
 * <p>No connection is held longer than the hold (50 ms) and every drain ends, whatever the interleaving: a canary
 * that ran just before the drain opened, or is otherwise not pending while the drain waits for it, is woken again.
 * When the carriers are busy with work that does not leave (the TLS handshakes of new connections), the canary can
 * wait longer than the hold: the watcher then wakes the leavers from outside every drain tick, so they queue behind
 * the canary instead of filling the local queue again, until the canary runs; after twenty holds it ends the drain
 * itself, and a new one opens if the canary still waits.
 *
 * <p>With two carriers or more, a connection whose next request waits behind other connections waits for its turn
 * ({@link Turns}) instead of yielding: a yield with the carrier's own queue empty goes to the shared submission queue,
 * where at 1,000 connections hundreds of connections queued with the work from outside. The threads holding a turn
 * still keep the carriers' own queues full, so the drains remain; a thread that resumes from its wait for a turn into
 * a drain leaves at once, as one resuming from its yield does.
 */
final class SchedulerWatch {

    private static final System.Logger LOG = System.getLogger(SchedulerWatch.class.getName());
    /** The longest turn, however many connections: work from outside never waits much longer than this. */
    private static final long MAX_TURN_NANOS = Duration.ofMillis(50).toNanos();
    /** The longest a drain lasts, in holds: a bound for the case the canary is never run. */
    private static final int HOLDS_PER_DRAIN = 20;
    /** Turns are this many rounds of the connections. */
    private static final int ROUNDS_PER_TURN = 1;
    /**
     * How often the watcher looks at a drain in progress. Each look takes the CPU from a carrier for a context switch:
     * on one CPU, at 50 µs the 1,000-connection p99 was higher in 9 of 9 paired rounds (bench/RESULTS.md, "Issue 18
     * on a slow hour").
     */
    private static final long DRAIN_TICK_NANOS = 200_000;
    /** The longest the leavers are held after the canary ran, when the carriers stay busy. */
    private static final long HOLD_NANOS = 200_000;
    /** Ticks' worth of time without a request after which the watcher sleeps until the next request. */
    private static final int IDLE_TICKS = 100;
    /** How often the drains are summed up in a debug line, when there were any. */
    private static final long REPORT_NANOS = Duration.ofSeconds(1).toNanos();
    /** The JVM's watch: all connections share the scheduler's carriers. Made after the constants it reads. */
    static final SchedulerWatch SHARED = new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000));

    private final long minTurnNanos;
    private final long tickNanos;
    private final long longestHoldNanos;
    private final Interleaving interleaving;
    /** The turns of the connections whose threads run on these carriers. */
    private final Turns turns;
    private final LongAdder requests = new LongAdder();
    private final LongAdder leaves = new LongAdder();
    /** The watcher's wake-ups: each takes a carrier's CPU for a context switch. */
    private final LongAdder wakeUps = new LongAdder();
    private final AtomicInteger connections = new AtomicInteger();
    private final DrainTally tally = new DrainTally();
    /** The current turn, from the last measured round (the watcher's thread only). */
    private long turnNanos;
    /** The number of the last drain the watcher opened (the watcher's thread only). */
    private long drainsOpened;
    /** When the watcher saw that the canary had run in the current drain (0: not yet; the watcher's thread only). */
    private long canarySeenAt;
    /** Leavers answered before the drain opened (they left as they resumed from their yield): woken first. */
    private final ConcurrentLinkedQueue<Thread> leftAfterYield = new ConcurrentLinkedQueue<>();
    /** Leavers answered in the drain (they left at their next wait): woken after those, as they were answered later. */
    private final ConcurrentLinkedQueue<Thread> leftAfterAnswer = new ConcurrentLinkedQueue<>();
    private final Thread canary;
    private final Thread watcher;
    /** The number of the drain on, or 0; whoever moves it to 0 (the canary or the fallback) ends the drain. */
    private final AtomicLong openDrain = new AtomicLong();
    /** When the current drain started (System.nanoTime). */
    private volatile long drainStart;
    /** When the canary was woken and has not run since (System.nanoTime), or 0 once it ran. */
    private volatile long canaryWokenAt;
    /** The last drain the canary ran in: the carriers had reached the work from outside. */
    private volatile long canaryRanIn;
    /** The drain the canary is to end by waking the leavers. */
    private volatile long releaseAskedFor;
    private volatile boolean asleep;

    /** Points where a test holds the canary or the watcher to force an interleaving; nothing in production. */
    interface Interleaving {
        Interleaving NONE = new Interleaving() { };

        /** The canary is about to wait for its next wake-up. */
        default void canaryWaits() {
        }

        /** The canary was woken and is about to record that it ran. */
        default void canaryWoke() {
        }

        /** The watcher decided to start a drain and is about to open it. */
        default void drainOpening() {
        }

        /** A connection's thread saw the drain on and is about to join its leavers. */
        default void leaverJoining() {
        }
    }

    SchedulerWatch(Duration turn, Duration tick) {
        this(turn, tick, Duration.ofNanos(MAX_TURN_NANOS), Interleaving.NONE);
    }

    /**
     * A watch that holds the leavers of a drain at most {@code longestHold} (then the watcher wakes them from outside
     * until the canary runs) and ends a drain after twenty of them if the canary has not.
     */
    SchedulerWatch(Duration turn, Duration tick, Duration longestHold, Interleaving interleaving) {
        this(turn, tick, longestHold, interleaving, Turns.forScheduler());
    }

    /** The same, with the connections' turns given (tests). */
    SchedulerWatch(Duration turn, Duration tick, Duration longestHold, Interleaving interleaving, Turns turns) {
        if (turn.isNegative() || tick.isNegative() || tick.isZero() || longestHold.isNegative()) {
            throw new IllegalArgumentException(
                    "a turn of " + turn + ", a tick of " + tick + " and holds of at most " + longestHold);
        }
        this.minTurnNanos = turn.toNanos();
        this.turnNanos = minTurnNanos;
        this.tickNanos = tick.toNanos();
        this.longestHoldNanos = longestHold.toNanos();
        this.interleaving = interleaving;
        this.turns = turns;
        this.canary = Thread.ofVirtual().name("web-scheduler-canary").start(this::canary);
        this.watcher = Thread.ofPlatform().daemon().name("web-scheduler-watch").start(this::watch);
    }

    /**
     * Called by a connection's virtual thread before it waits for its next request; true when it left the local
     * queue (a drain is on), false when it should yield as usual.
     */
    boolean leaveIfDraining() {
        requests.increment();
        if (asleep) {
            LockSupport.unpark(watcher);
        }
        if (openDrain.get() == 0) {
            return false;
        }
        leave(leftAfterAnswer);
        return true;
    }

    /**
     * Lets the other connections run first; a thread that resumes into a drain leaves at once instead of serving
     * another request first, so the local queue empties quickly.
     */
    void yieldTurn() {
        Thread.yield();
        leaveIfDrainOn();
    }

    /**
     * Before a keep-alive connection's next read: behind connections that wait for a turn it waits for its own, in
     * order (see {@link Turns}); with none waiting it yields. Either way it leaves at once if it resumes into a drain.
     */
    void takeTurn(Turns.Hold turn) {
        if (turn.take()) {
            leaveIfDrainOn();
        } else {
            yieldTurn();
        }
    }

    /** A thread resuming from its yield or its wait for a turn leaves if a drain is on: the carriers' queues empty. */
    private void leaveIfDrainOn() {
        if (openDrain.get() != 0) {
            leave(leftAfterYield);
        }
    }

    /** The turns the connections reporting to this watch take between requests. */
    Turns turns() {
        return turns;
    }

    /** A connection's thread started; its requests now share the carriers' rounds. */
    void connectionStarted() {
        connections.incrementAndGet();
    }

    /** A connection's thread is ending. */
    void connectionEnded() {
        connections.decrementAndGet();
    }

    /** Whether a drain is on. */
    boolean draining() {
        return openDrain.get() != 0;
    }

    /** How long a drain holds its leavers before the watcher wakes them from outside. */
    Duration longestHold() {
        return Duration.ofNanos(longestHoldNanos);
    }

    /** How many times connection threads have left in drains so far. */
    long leaves() {
        return leaves.sum();
    }

    /** How often the watcher has woken so far. */
    long wakeUps() {
        return wakeUps.sum();
    }

    /** The drains that have ended so far. */
    DrainTally.Totals drains() {
        return tally.totals();
    }

    private void leave(ConcurrentLinkedQueue<Thread> leavers) {
        interleaving.leaverJoining();
        Thread self = Thread.currentThread();
        leavers.add(self);
        leaves.increment();
        // The drain may have ended between the caller's look and the add, its release past this queue already: with
        // no later drain nothing would wake this thread. Whoever ends a drain clears it before its release, so a
        // thread that still sees it on here is woken by that release.
        if (openDrain.get() == 0) {
            leavers.remove(self);
            return;
        }
        // Woken by the canary once the carriers have run the work from outside (or by the watcher as a fallback).
        LockSupport.park(this);
    }

    private void canary() {
        while (true) {
            interleaving.canaryWaits();
            LockSupport.park(this);
            interleaving.canaryWoke();
            long drain = openDrain.get();
            if (drain != 0 && releaseAskedFor == drain) {
                // Woken from a carrier, the leavers go to its local queue, in the order they were last answered.
                end(drain, false);
            } else if (drain != 0) {
                canaryRanIn = drain;
            }
            // Cleared last: the watcher wakes the canary again when it is not pending and has not run in the drain.
            canaryWokenAt = 0;
            // In a drain the watcher sleeps until the canary has run (or until the hold is over); read again after
            // the clear, a drain opened meanwhile wakes it too, so it can wake the canary again.
            if (drain != 0 || openDrain.get() != 0) {
                LockSupport.unpark(watcher);
            }
        }
    }

    private void wakeCanary(long now) {
        canaryWokenAt = now;
        LockSupport.unpark(canary);
    }

    /** Ends the drain numbered {@code drain} unless it has ended already, and wakes its leavers from this thread. */
    private void end(long drain, boolean byFallback) {
        // Read while the drain is still on: no other drain can have started.
        long start = drainStart;
        if (openDrain.compareAndSet(drain, 0)) {
            release();
            long length = System.nanoTime() - start;
            tally.ended(length, length > longestHoldNanos, byFallback);
        }
    }

    private void watch() {
        while (true) {
            try {
                watchUntilFailure();
            } catch (Throwable e) {
                // Threads parked in a drain wait for this thread: whatever went wrong, none may stay parked.
                openDrain.set(0);
                release();
            }
        }
    }

    private void watchUntilFailure() {
        long lastTick = System.nanoTime();
        long lastRequestAt = lastTick;
        long lastCount = requests.sum();
        long lastLeaves = leaves.sum();
        long lastReport = lastTick;
        DrainTally.Totals reported = tally.totals();
        while (true) {
            wakeUps.increment();
            long now = System.nanoTime();
            long count = requests.sum();
            long left = leaves.sum();
            long drain = openDrain.get();
            if (drain != 0) {
                watchDrain(drain, now, count == lastCount && left == lastLeaves);
            } else {
                // A thread that saw the drain just before it ended and parked after the canary's release.
                release();
                long wokenAt = canaryWokenAt;
                if (wokenAt == 0) {
                    wakeCanary(now);
                } else if (now - wokenAt > turnNanos) {
                    open(now);
                }
            }
            if (now - lastReport >= REPORT_NANOS) {
                reported = report(reported, now - lastReport);
                lastReport = now;
            }
            boolean draining = openDrain.get() != 0;
            if (count != lastCount) {
                if (!draining) {
                    measureTurn(count - lastCount, now - lastTick);
                }
                lastRequestAt = now;
            } else if (!draining && now - lastRequestAt > IDLE_TICKS * tickNanos) {
                // The drains of the busy period are reported before the sleep, not after the next wake-up.
                reported = report(reported, now - lastReport);
                sleepUntilRequest(count);
                lastTick = System.nanoTime();
                lastRequestAt = lastTick;
                lastReport = lastTick;
                lastCount = requests.sum();
                lastLeaves = leaves.sum();
                continue;
            }
            lastTick = now;
            lastCount = count;
            lastLeaves = left;
            LockSupport.parkNanos(this, sleepNanos(System.nanoTime()));
        }
    }

    /**
     * How long the watcher has nothing to do: outside a drain, until the canary woken is late (a tick when it is not
     * pending); in a drain whose pending canary has not run yet, until the hold is over (the canary wakes the watcher
     * when it runs); otherwise a drain tick. Each wake-up takes a carrier's CPU: at 1,000 connections a turn is
     * tens of ticks and a long drain tens of drain ticks.
     */
    private long sleepNanos(long now) {
        long drain = openDrain.get();
        long wokenAt = canaryWokenAt;
        if (drain == 0) {
            return wokenAt == 0 ? tickNanos : Math.max(tickNanos, wokenAt + turnNanos - now + 1);
        }
        long age = now - drainStart;
        if (canaryRanIn != drain && wokenAt != 0 && age < longestHoldNanos) {
            return longestHoldNanos - age + 1;
        }
        return DRAIN_TICK_NANOS;
    }

    private void open(long now) {
        interleaving.drainOpening();
        drainStart = now;
        canarySeenAt = 0;
        long drain = ++drainsOpened;
        openDrain.set(drain);
        // The canary may have run between the decision and now without seeing the drain.
        wakeCanaryIfIdle(drain, now);
    }

    /**
     * Ends the drain once the canary ran in it: asks the canary to release the leavers when the carriers went still
     * for a drain tick (the work from outside has run) or the hold after it is over. Wakes the canary again if it is
     * not pending and has not run in the drain. Past the longest hold, wakes the leavers from here; past twenty, ends
     * the drain.
     */
    private void watchDrain(long drain, long now, boolean still) {
        long age = now - drainStart;
        if (age > HOLDS_PER_DRAIN * longestHoldNanos) {
            end(drain, true);
            return;
        }
        if (age > longestHoldNanos) {
            // Woken from outside, they queue behind the canary instead of filling the carriers' local queues.
            release();
        }
        if (canaryRanIn == drain) {
            if (canarySeenAt == 0) {
                canarySeenAt = now;
            }
            if (releaseAskedFor != drain && (still || now - canarySeenAt >= HOLD_NANOS)) {
                releaseAskedFor = drain;
                wakeCanary(now);
            }
        } else {
            wakeCanaryIfIdle(drain, now);
        }
    }

    private void wakeCanaryIfIdle(long drain, long now) {
        if (canaryWokenAt == 0 && canaryRanIn != drain) {
            tally.canaryRearmed();
            wakeCanary(now);
        }
    }

    /** A debug line with the drains of the period, when there were any; the totals it reported up to. */
    private DrainTally.Totals report(DrainTally.Totals reported, long periodNanos) {
        DrainTally.Totals totals = tally.totals();
        DrainTally.Totals recent = totals.since(reported);
        Duration longest = tally.takeRecentLongest();
        if (recent.drains() > 0 && LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, String.format("scheduler drains in %.1f s: %d, longest %.3f ms, past the hold %d,"
                            + " ended by the fallback %d, canary woken again %d, in drains %.1f ms",
                    periodNanos / 1e9, recent.drains(), longest.toNanos() / 1e6, recent.pastTheHold(),
                    recent.endedByFallback(), recent.canaryRearms(), recent.total().toNanos() / 1e6));
        }
        return totals;
    }

    /** A turn of a few rounds: each connection's request takes the time the carriers took per request this tick. */
    private void measureTurn(long served, long elapsedNanos) {
        long round = connections.get() * elapsedNanos / served;
        long target = Math.clamp(ROUNDS_PER_TURN * round, minTurnNanos, Math.max(minTurnNanos, MAX_TURN_NANOS));
        // Smoothed: one tick's count is a few dozen requests and jitters.
        turnNanos = (3 * turnNanos + target) / 4;
    }

    /**
     * Wakes every thread that left, in the order their connections were last answered: first those that left after
     * their yield, then those answered in the drain, each in the order they left. Woken in the order they left, the
     * connections answered in a drain that opened mid-round were answered again before the ones that had waited since
     * earlier in the round, which then waited up to two rounds.
     */
    private void release() {
        wake(leftAfterYield);
        wake(leftAfterAnswer);
    }

    private static void wake(ConcurrentLinkedQueue<Thread> leavers) {
        Thread leaver;
        while ((leaver = leavers.poll()) != null) {
            LockSupport.unpark(leaver);
        }
    }

    /** The threads waiting in the drain, in the order they will be woken (tests). */
    List<Thread> leaversInWakeOrder() {
        List<Thread> order = new ArrayList<>(leftAfterYield);
        order.addAll(leftAfterAnswer);
        return order;
    }

    private void sleepUntilRequest(long count) {
        asleep = true;
        // A request counted before asleep was visible is seen here; one counted after it unparks the watcher.
        while (requests.sum() == count) {
            LockSupport.park(this);
        }
        asleep = false;
    }
}

package dev.netlab.webserver;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the virtual-thread scheduler running the work submitted from outside its carriers while connections yield.
 *
 * <p>Between requests a connection's thread yields: the other connections run first, by then the client's next
 * request has usually arrived, and the read finds it without a round trip through the poller (half the CPU time per
 * small request). But a yield goes to the carrier's local queue, and a carrier empties its local queue before it
 * takes anything submitted from outside: a thread the poller woke, a new connection, a timer. At saturation the
 * yielding threads kept the local queue full and such work waited for seconds.
 *
 * <p>So a canary virtual thread is woken from outside every tick. When it has waited longer than a turn, the
 * scheduler is starving that work, and a drain starts. A turn is two rounds of the connections (their number times
 * the time one request takes, measured each tick), at least a millisecond: work from outside then waits about as
 * long as a yielding connection does, whether 64 or 1,000 connections share the carriers. In a drain each connection thread, before its next request, parks and
 * is woken from outside, by the watcher, instead of yielding. Once every thread in the local queue has left, the
 * queue is empty, the carrier takes the waiting work (the canary among it), and the canary ends the drain. With no
 * starvation the watch costs a wake-up per tick and nothing per request; with no requests it sleeps.
 */
final class SchedulerWatch {

    /** The JVM's watch: all connections share the scheduler's carriers. */
    static final SchedulerWatch SHARED = new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000));
    /** The longest turn, however many connections: work from outside never waits much longer than this. */
    private static final long MAX_TURN_NANOS = Duration.ofMillis(Long.getLong("netlab.watch.maxTurnMs", 50)).toNanos();
    /** Turns are this many rounds of the connections. */
    private static final int ROUNDS_PER_TURN = Integer.getInteger("netlab.watch.rounds", 2);
    static final String MODE = System.getProperty("netlab.watch.mode", "today");
    static final boolean STATS = System.getProperty("netlab.watch.stats") != null;
    static final java.io.PrintStream STATS_OUT = openStats();

    private static java.io.PrintStream openStats() {
        try {
            return STATS ? new java.io.PrintStream(new java.io.FileOutputStream(System.getProperty("netlab.watch.stats"), true), true) : null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
    private volatile boolean canaryRan;
    private volatile boolean releaseRequested;
    private long drainStart, drains, maxDrain, maxLag, drainNanos;
    /** How often the watcher wakes the threads that left while a drain is on. */
    private static final long RELEASE_NANOS = 50_000;
    /** Ticks without a request after which the watcher sleeps until the next request. */
    private static final int IDLE_TICKS = 100;

    private final long minTurnNanos;
    private final long tickNanos;
    private final LongAdder requests = new LongAdder();
    private final AtomicInteger connections = new AtomicInteger();
    /** The current turn, from the last measured round (the watcher's thread only). */
    private long turnNanos;
    private final ConcurrentLinkedQueue<Thread> leaving = new ConcurrentLinkedQueue<>();
    private final Thread canary;
    private final Thread watcher;
    /** When the canary was woken and has not run since (System.nanoTime), or 0 once it ran. */
    private volatile long canaryWokenAt;
    private volatile boolean draining;
    private volatile boolean asleep;

    SchedulerWatch(Duration turn, Duration tick) {
        if (turn.isNegative() || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("a turn of " + turn + " and a tick of " + tick);
        }
        this.minTurnNanos = turn.toNanos();
        this.turnNanos = minTurnNanos;
        this.tickNanos = tick.toNanos();
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
        if (!draining) {
            return false;
        }
        leave();
        return true;
    }

    static final boolean FAST = !"false".equals(System.getProperty("netlab.watch.fast"));

    /** Between requests, with none buffered: lets the other connections run first, and leaves if a drain began meanwhile. */
    void yieldTurn() {
        Thread.yield();
        if (FAST && draining) {
            leave();
        }
    }

    private void leave() {
        leaves.increment();
        leaving.add(Thread.currentThread());
        // Woken by the watcher, a platform thread: the wake-up is submitted from outside the carriers.
        LockSupport.park(this);
    }

    private final LongAdder leaves = new LongAdder();
    private long lastLeaves;

    /** A connection's thread started; its requests now share the carriers' rounds. */
    void connectionStarted() {
        connections.incrementAndGet();
    }

    /** A connection's thread is ending. */
    void connectionEnded() {
        connections.decrementAndGet();
    }

    private void canary() {
        while (true) {
            LockSupport.park(this);
            if (releaseRequested) {
                releaseRequested = false;
                draining = false;
                releaseHere();
                continue;
            }
            if (canaryWokenAt != 0) {
                canaryWokenAt = 0;
                if (MODE.equals("today")) {
                    draining = false;
                } else if (MODE.equals("local")) {
                    draining = false;
                    releaseHere();
                } else {
                    canaryRan = true;
                }
            }
        }
    }

    private void watch() {
        while (true) {
            try {
                watchUntilFailure();
            } catch (Throwable e) {
                // Threads parked in a drain wait for this thread: whatever went wrong, none may stay parked.
                draining = false;
                release();
            }
        }
    }

    private static final long T0 = System.nanoTime();
    private boolean wasDraining;

    private void watchUntilFailure() {
        int idleTicks = 0;
        long lastTick = System.nanoTime();
        long lastCount = requests.sum();
        long lastStats = System.nanoTime();
        while (true) {
            boolean hold = MODE.equals("hold") && draining;
            long now = System.nanoTime();
            long count = requests.sum();
            if (!hold || now - drainStart > Math.max(turnNanos, MAX_TURN_NANOS)) {
                release();
            }
            if (STATS && now - lastStats > 1_000_000_000L) {
                STATS_OUT.printf("watch %.3f drains=%d maxDrainMs=%.2f meanDrainMs=%.2f maxLagMs=%.2f turnMs=%.2f conns=%d%n",
                        (now - T0) / 1e9, drains, maxDrain / 1e6, drains == 0 ? 0 : drainNanos / 1e6 / drains, maxLag / 1e6, turnNanos / 1e6, connections.get());
                drains = 0; maxDrain = 0; maxLag = 0; drainNanos = 0; lastStats = now;
            }
            long wokenAt = canaryWokenAt;
            if (draining && MODE.equals("hold") && canaryRan && !releaseRequested && count == lastCount && leaves.sum() == lastLeaves) {
                releaseRequested = true;
                LockSupport.unpark(canary);
            }
            if (wokenAt == 0) {
                if (!draining) {
                    canaryWokenAt = now;
                    LockSupport.unpark(canary);
                }
            } else if (!draining && now - wokenAt > turnNanos) {
                draining = true;
                canaryRan = false;
                drainStart = now;
            }
            if (wokenAt != 0) {
                maxLag = Math.max(maxLag, now - wokenAt);
            }
            if (wasDraining && !draining) {
                long d = now - drainStart;
                drains++; drainNanos += d; maxDrain = Math.max(maxDrain, d);
            }
            wasDraining = draining;
            lastLeaves = leaves.sum();
            if (count != lastCount) {
                if (!draining) {
                    measureTurn(count - lastCount, now - lastTick);
                }
                idleTicks = 0;
            } else if (++idleTicks > IDLE_TICKS && !draining) {
                sleepUntilRequest(count);
                idleTicks = 0;
                lastTick = System.nanoTime();
                lastCount = requests.sum();
                continue;
            }
            lastTick = now;
            lastCount = count;
            LockSupport.parkNanos(this, draining ? RELEASE_NANOS : tickNanos);
        }
    }

    /** A turn of a few rounds: each connection's request takes the time the carriers took per request this tick. */
    private void measureTurn(long served, long elapsedNanos) {
        long round = connections.get() * elapsedNanos / served;
        long target = Math.clamp(ROUNDS_PER_TURN * round, minTurnNanos, Math.max(minTurnNanos, MAX_TURN_NANOS));
        // Smoothed: one tick's count is a few dozen requests and jitters.
        turnNanos = (3 * turnNanos + target) / 4;
    }

    /** From the canary, on a carrier: the leavers go to its local queue in the order they left. */
    private void releaseHere() {
        Thread leaver;
        while ((leaver = leaving.poll()) != null) {
            LockSupport.unpark(leaver);
        }
    }

    private void release() {
        Thread leaver;
        while ((leaver = leaving.poll()) != null) {
            LockSupport.unpark(leaver);
        }
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

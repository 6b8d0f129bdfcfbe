package dev.netlab.webserver;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * scheduler is starving that work, and a drain starts: each connection thread, before its next request, parks and
 * is woken from outside, by the watcher, instead of yielding. Once every thread in the local queue has left, the
 * queue is empty, the carrier takes the waiting work (the canary among it), and the canary ends the drain. With no
 * starvation the watch costs a wake-up per tick and nothing per request; with no requests it sleeps.
 */
final class SchedulerWatch {

    /** The JVM's watch: all connections share the scheduler's carriers. */
    static final SchedulerWatch SHARED = new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000));
    /** How often the watcher wakes the threads that left while a drain is on. */
    private static final long RELEASE_NANOS = 50_000;
    /** Ticks without a request after which the watcher sleeps until the next request. */
    private static final int IDLE_TICKS = 100;

    private final long turnNanos;
    private final long tickNanos;
    private final ConcurrentLinkedQueue<Thread> leaving = new ConcurrentLinkedQueue<>();
    private final Thread canary;
    private final Thread watcher;
    /** When the canary was woken and has not run since (System.nanoTime), or 0 once it ran. */
    private volatile long canaryWokenAt;
    private volatile boolean draining;
    /** Whether a request came since the watcher's last tick. */
    private volatile boolean active;
    private volatile boolean asleep;

    SchedulerWatch(Duration turn, Duration tick) {
        if (turn.isNegative() || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("a turn of " + turn + " and a tick of " + tick);
        }
        this.turnNanos = turn.toNanos();
        this.tickNanos = tick.toNanos();
        this.canary = Thread.ofVirtual().name("web-scheduler-canary").start(this::canary);
        this.watcher = Thread.ofPlatform().daemon().name("web-scheduler-watch").start(this::watch);
    }

    /**
     * Called by a connection's virtual thread before it waits for its next request; true when it left the local
     * queue (a drain is on), false when it should yield as usual.
     */
    boolean leaveIfDraining() {
        if (!active) {
            active = true;
            if (asleep) {
                LockSupport.unpark(watcher);
            }
        }
        if (!draining) {
            return false;
        }
        leaving.add(Thread.currentThread());
        // Woken by the watcher, a platform thread: the wake-up is submitted from outside the carriers.
        LockSupport.park(this);
        return true;
    }

    private void canary() {
        while (true) {
            LockSupport.park(this);
            if (canaryWokenAt != 0) {
                canaryWokenAt = 0;
                draining = false;
            }
        }
    }

    private void watch() {
        int idleTicks = 0;
        while (true) {
            release();
            long now = System.nanoTime();
            long wokenAt = canaryWokenAt;
            if (wokenAt == 0) {
                canaryWokenAt = now;
                LockSupport.unpark(canary);
            } else if (!draining && now - wokenAt > turnNanos) {
                draining = true;
            }
            if (active) {
                active = false;
                idleTicks = 0;
            } else if (++idleTicks > IDLE_TICKS && !draining) {
                sleepUntilActive();
                idleTicks = 0;
                continue;
            }
            LockSupport.parkNanos(this, draining ? RELEASE_NANOS : tickNanos);
        }
    }

    private void release() {
        Thread leaver;
        while ((leaver = leaving.poll()) != null) {
            LockSupport.unpark(leaver);
        }
    }

    private void sleepUntilActive() {
        asleep = true;
        // A request that set active before asleep was visible is seen here; one after it unparks the watcher.
        while (!active) {
            LockSupport.park(this);
        }
        asleep = false;
    }
}

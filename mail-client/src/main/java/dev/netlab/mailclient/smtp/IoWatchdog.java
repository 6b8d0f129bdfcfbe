package dev.netlab.mailclient.smtp;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Closes a connection when one read or write blocks past its timeout. Java has no write timeout, and a read timeout
 * on a virtual thread's socket parks the read with a timer of its own (scheduled and cancelled per read, waking the
 * pool's timer thread each time), so both are watched here instead. It is armed about once per timeout, not per
 * read or write: one records its deadline, and the pending check, when it fires, either finds nothing in flight
 * (and disarms), finds it overdue (and closes), or waits for the deadline of the one in flight; only one whose
 * deadline comes before the pending check schedules a check of its own. A session reads and writes in turn, never
 * both at once, so one deadline is enough.
 */
final class IoWatchdog implements ReplyReader.ReadGuard {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Runnable onExpiry;
    private final LongSupplier nanoTime;
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile long deadline;
    private volatile long checkDue;
    private volatile boolean busy;
    private volatile boolean expired;
    private volatile ScheduledFuture<?> pending;
    private volatile boolean stopped;

    /** {@code onExpiry} runs on the timer thread when a read or write is overdue (it closes the socket). */
    IoWatchdog(Runnable onExpiry, LongSupplier nanoTime) {
        this.onExpiry = onExpiry;
        this.nanoTime = nanoTime;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor executor = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1,
                Thread.ofPlatform().daemon().name("smtp-io-watchdog").factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** A read or write begins that may take at most {@code timeout}. */
    void start(Duration timeout) {
        start(timeout.toNanos());
    }

    /** A read or write begins that may take at most {@code nanos}. */
    void start(long nanos) {
        expired = false;
        deadline = nanoTime.getAsLong() + nanos;
        busy = true;
        // One with a shorter timeout than the pending check's gets its own, earlier check.
        if (armed.compareAndSet(false, true) || deadline - checkDue < 0) {
            schedule(nanos);
        }
    }

    /** The read or write ended (done or failed). */
    void end() {
        busy = false;
    }

    @Override
    public void arm(long nanos) {
        start(nanos);
    }

    @Override
    public void disarm() {
        end();
    }

    /** Whether the watchdog closed the connection because the latest read or write was overdue. */
    @Override
    public boolean expired() {
        return expired;
    }

    /** The connection is closed: no more checks. */
    void stop() {
        stopped = true;
        ScheduledFuture<?> task = pending;
        if (task != null) {
            task.cancel(false);
        }
    }

    private void schedule(long nanos) {
        if (!stopped) {
            checkDue = nanoTime.getAsLong() + nanos;
            pending = TIMER.schedule(this::check, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        if (busy) {
            long left = deadline - nanoTime.getAsLong();
            if (left <= 0) {
                expired = true;
                armed.set(false);
                onExpiry.run();
            } else {
                schedule(left);
            }
            return;
        }
        armed.set(false);
        // One that began while this check was disarming must still be watched.
        if (busy && armed.compareAndSet(false, true)) {
            check();
        }
    }
}

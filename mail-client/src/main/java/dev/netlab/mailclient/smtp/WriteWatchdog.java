package dev.netlab.mailclient.smtp;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Java has no write timeout: this closes a connection when one write blocks past its timeout. It is armed about once
 * per timeout, not per write: a write records its deadline, and the pending check, when it fires, either finds no
 * write in flight (and disarms), finds the write overdue (and closes), or waits for the deadline of the write in
 * flight; only a write whose deadline comes before the pending check schedules one of its own. Scheduling and
 * cancelling a task around every write woke the timer thread each time.
 */
final class WriteWatchdog {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Runnable onExpiry;
    private final LongSupplier nanoTime;
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile long deadline;
    private volatile long checkDue;
    private volatile boolean writing;
    private volatile boolean expired;
    private volatile ScheduledFuture<?> pending;
    private volatile boolean stopped;

    /** {@code onExpiry} runs on the timer thread when a write is overdue (it closes the socket). */
    WriteWatchdog(Runnable onExpiry, LongSupplier nanoTime) {
        this.onExpiry = onExpiry;
        this.nanoTime = nanoTime;
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor executor = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1,
                Thread.ofPlatform().daemon().name("smtp-write-watchdog").factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** A write begins that may take at most {@code timeout}. */
    void start(Duration timeout) {
        expired = false;
        deadline = nanoTime.getAsLong() + timeout.toNanos();
        writing = true;
        // A write with a shorter timeout than the pending check's gets its own, earlier check.
        if (armed.compareAndSet(false, true) || deadline - checkDue < 0) {
            schedule(timeout.toNanos());
        }
    }

    /** The write ended (done or failed). */
    void end() {
        writing = false;
    }

    /** Whether the watchdog closed the connection because the latest write was overdue. */
    boolean expired() {
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
        if (writing) {
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
        // A write that began while this check was disarming must still be watched.
        if (writing && armed.compareAndSet(false, true)) {
            check();
        }
    }
}

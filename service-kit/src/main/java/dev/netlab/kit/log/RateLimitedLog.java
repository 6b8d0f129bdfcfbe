package dev.netlab.kit.log;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * At most one log line per interval for an event that can recur at network speed (a failing accept, a malformed
 * packet): a flood of events never becomes a flood of log lines. The events dropped in between are counted and
 * reported on the next line. Thread-safe; logging never throws.
 */
public final class RateLimitedLog {

    private final Logger logger;
    private final LogGate gate;

    private RateLimitedLog(Logger logger, Duration interval, LongSupplier nanoTime) {
        this.logger = logger;
        this.gate = new LogGate(interval, nanoTime);
    }

    /** A log writing to {@code logger} at most once per {@code interval} (positive). */
    public static RateLimitedLog of(Logger logger, Duration interval) {
        return of(logger, interval, System::nanoTime);
    }

    /** The same, timed by {@code nanoTime} (a fake clock in tests). */
    public static RateLimitedLog of(Logger logger, Duration interval, LongSupplier nanoTime) {
        Objects.requireNonNull(logger, "logger");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        return new RateLimitedLog(logger, interval, nanoTime);
    }

    /** Logs {@code message} unless a line was written less than an interval ago; returns whether it was written. */
    public boolean log(Level level, String message) {
        return log(level, message, null);
    }

    /** Logs {@code message} with {@code thrown}'s stack trace (may be null) under the same limit. */
    public boolean log(Level level, String message, Throwable thrown) {
        if (!gate.pass()) {
            return false;
        }
        long dropped = gate.takeHeldBack();
        String line = dropped == 0 ? message : message + " (" + dropped + " more not logged since the last line)";
        try {
            if (thrown == null) {
                logger.log(level, line);
            } else {
                logger.log(level, line, thrown);
            }
            return true;
        } catch (Throwable e) {
            // A log call must never end the loop that makes it (out of descriptors, a broken handler).
            return false;
        }
    }
}

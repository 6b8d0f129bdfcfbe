package dev.netlab.kit.log;

import dev.netlab.kit.text.TerminalText;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.ZoneId;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A log line for an event that a peer can repeat at will (a bad datagram, a failed send): at most one line per
 * interval, which says how many more were held back, so a flood of bad input never becomes a flood of log output.
 * The line is one line, its text escaped for a terminal; the stack trace is logged only at {@code DEBUG}.
 * Thread-safe and lock-free.
 */
public final class ThrottledLog {

    private final Logger logger;
    private final LogGate gate;

    ThrottledLog(Logger logger, Duration interval, LongSupplier nanoTime) {
        this.logger = logger;
        this.gate = new LogGate(interval, nanoTime);
        // What the first line needs (the time zone its timestamp is formatted in) is loaded now, not mid-flood.
        ZoneId.systemDefault().getRules();
    }

    /** At most one line per {@code interval} to {@code logger}. */
    public static ThrottledLog every(Duration interval, Logger logger) {
        return new ThrottledLog(logger, interval, System::nanoTime);
    }

    /** Logs {@code message} unless a line went out less than an interval ago; the supplier runs only if it does. */
    public void log(Level level, Supplier<String> message) {
        log(level, message, null);
    }

    /** Logs {@code message} and {@code failure}'s one-line summary, rate-limited like {@link #log(Level, Supplier)}. */
    public void log(Level level, Supplier<String> message, Throwable failure) {
        if (!logger.isLoggable(level) || !gate.pass()) {
            return;
        }
        long held = gate.takeHeldBack();
        StringBuilder line = new StringBuilder(message.get());
        if (failure != null) {
            line.append(": ").append(failure);
        }
        if (held > 0) {
            line.append(" (").append(held).append(" more held back)");
        }
        logger.log(level, TerminalText.escape(line));
        if (failure != null && logger.isLoggable(Level.DEBUG)) {
            logger.log(Level.DEBUG, "stack trace of the above", failure);
        }
    }
}

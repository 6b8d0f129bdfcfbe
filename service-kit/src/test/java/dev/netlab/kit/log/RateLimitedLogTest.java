package dev.netlab.kit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final RateLimitedLog log = RateLimitedLog.of(new ListLogger(lines), Duration.ofSeconds(1), clock::get);

    @Test
    void aFloodWithinOneIntervalWritesOneLine() {
        for (int i = 0; i < 10_000; i++) {
            log.log(Level.WARNING, "accept failed");
        }
        assertThat(lines).containsExactly("WARNING accept failed");
    }

    @Test
    void theNextLineAfterTheIntervalCountsWhatWasDropped() {
        log.log(Level.WARNING, "accept failed");
        log.log(Level.WARNING, "accept failed");
        log.log(Level.WARNING, "accept failed");
        clock.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(log.log(Level.WARNING, "accept failed")).isFalse();
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(log.log(Level.WARNING, "accept failed")).isTrue();
        assertThat(lines).containsExactly("WARNING accept failed",
                "WARNING accept failed (3 more not logged since the last line)");
    }

    @Test
    void aFailingLoggerDoesNotThrow() {
        RateLimitedLog broken = RateLimitedLog.of(new ListLogger(null), Duration.ofSeconds(1), clock::get);
        assertThat(broken.log(Level.ERROR, "x", new RuntimeException("y"))).isFalse();
    }

    @Test
    void theIntervalMustBePositive() {
        assertThatThrownBy(() -> RateLimitedLog.of(new ListLogger(lines), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A logger that keeps "LEVEL message" lines (or fails on every call when given no list). */
    private record ListLogger(List<String> lines) implements Logger {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + format);
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            lines.add(level + " " + msgSupplier.get());
        }
    }
}

package dev.netlab.kit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledLogTest {

    private final List<String> lines = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private Level enabled = Level.INFO;

    private final Logger logger = new Logger() {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= enabled.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            levels.add(level);
            lines.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            levels.add(level);
            lines.add(format);
        }
    };

    private final ThrottledLog log = new ThrottledLog(logger, Duration.ofSeconds(10), now::get);

    @Test
    void aFloodIsOneLinePerIntervalThatCountsWhatWasHeldBack() {
        for (int i = 0; i < 100_000; i++) {
            log.log(Level.WARNING, () -> "bad datagram", new ArithmeticException("long overflow"));
        }
        assertThat(lines).containsExactly("bad datagram: java.lang.ArithmeticException: long overflow");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        log.log(Level.WARNING, () -> "bad datagram");
        assertThat(lines).hasSize(2).last().isEqualTo("bad datagram (99999 more held back)");
    }

    @Test
    void networkTextInTheLineIsEscapedAndTheStackTraceWaitsForDebug() {
        log.log(Level.WARNING, () -> "from peer: \u001b[2J", new IllegalStateException("x\ny"));
        assertThat(lines).containsExactly("from peer: \\x1b[2J: java.lang.IllegalStateException: x\\ny");
        enabled = Level.DEBUG;
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        log.log(Level.WARNING, () -> "again", new IllegalStateException("z"));
        assertThat(levels).containsExactly(Level.WARNING, Level.WARNING, Level.DEBUG);
    }

    @Test
    void aLevelThatIsOffCostsNoLineAndNoMessage() {
        log.log(Level.DEBUG, () -> {
            throw new AssertionError("the message must not be built");
        });
        assertThat(lines).isEmpty();
    }
}

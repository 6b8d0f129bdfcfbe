package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingprotocol.Mode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lab pings whose timestamp is absurd are still pings: each is reflected upper-cased whatever its time says, and a
 * flood of them neither goes unanswered nor turns into a flood of log lines.
 */
class HostileTimestampTest {

    /** Timestamps no clock gives: far past, far future, beyond Instant, negative, huge sequence numbers. */
    static final List<String> HOSTILE = List.of(
            "Ping: 1 0000-01-01 00:00:00.0",
            "Ping: 1 9999-12-31 23:59:59.9",
            "Ping: 1 99999999999",
            "Ping: 1 99999999999.999999",
            "Ping: 1 1e10",
            "Ping: 1 -1",
            "Ping: 1 -0001-01-01 00:00:00",
            "Ping: 1 +999999999-12-31 23:59:59.999999999",
            "Ping: 1 -999999999-01-01 00:00:00",
            "Ping: -5 2026-01-01 00:00:00",
            "Ping: 999999999999999999 2026-01-01 00:00:00",
            "Ping: 999999999999999999999999 0",
            "Ping: 0 0",
            "Ping: 1 NaN",
            "Ping: 1 Infinity",
            "Ping 1 1970-01-01 00:00:00.000001");

    /** Every record the ping-server's loggers publish, formatted as the service's console would print it. */
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final List<LogRecord> records = new ArrayList<>();
    private final Logger root = Logger.getLogger("dev.netlab.pingserver");
    private final Handler capture = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public synchronized void publish(LogRecord record) {
            records.add(record);
            logged.writeBytes(format.format(record).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureTheLog() {
        root.addHandler(capture);
    }

    @AfterEach
    void releaseTheLog() {
        root.removeHandler(capture);
    }

    @Test
    void everyHostileTimestampIsReflectedUpperCased() throws Exception {
        try (ServerFixture server = ServerFixture.start(Map.of("pingserver.listeners.lab.loss", "0"));
             UdpProbe probe = new UdpProbe()) {
            for (String ping : HOSTILE) {
                probe.send(ping.getBytes(StandardCharsets.US_ASCII), server.port(Mode.LAB));
                byte[] reply = probe.receive(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError(
                        "no reply to '" + ping + "'"));
                assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo(ping.toUpperCase(Locale.ROOT));
            }
            assertThat(server.get("/api/senders").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFloodOfHostileTimestampsIsAllAnsweredAndLogsAtMostAFewLines() throws Exception {
        int total = 5_000;
        int window = 100;
        try (ServerFixture server = ServerFixture.start(Map.of("pingserver.listeners.lab.loss", "0",
                "pingserver.listeners.lab.rate-limit", "0"));
             UdpProbe probe = new UdpProbe()) {
            int answered = 0;
            flood:
            for (int sent = 0; sent < total; sent += window) {
                for (int i = 0; i < window; i++) {
                    String ping = HOSTILE.get((sent + i) % HOSTILE.size());
                    probe.send(ping.getBytes(StandardCharsets.US_ASCII), server.port(Mode.LAB));
                }
                for (int i = 0; i < window; i++) {
                    if (probe.receive(Duration.ofSeconds(5)).isEmpty()) {
                        break flood;
                    }
                    answered++;
                }
            }
            assertThat(answered).as("replies to %d hostile pings", total).isEqualTo(total);
            server.awaitValue(total, "pingserver_packets_reflected_total", "mode", "lab");
            assertThat(server.value("pingserver_packets_dropped_total", "mode", "lab", "reason", "malformed"))
                    .isZero();
        }
        assertThat(logged.size()).as("log bytes for %d hostile pings:%n%s", total, logged)
                .isLessThan(4_096);
    }
}

package dev.netlab.kit.admin;

import static dev.netlab.kit.admin.RawAdminClient.readUntilClosed;
import static dev.netlab.kit.admin.RawAdminClient.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.MeterRegistries;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin socket closes a keep-alive connection that sits idle. (A request head that stops arriving after its
 * request line is not closed: Helidon 4.2's idle check interrupts a connection only while it waits for a request line,
 * see service-kit's README.)
 */
class AdminIdleConnectionTest {

    // Short enough to wait for; the production value is ConnectionLimits.ADMIN.
    private static final ConnectionLimits LIMITS = ConnectionLimits.ADMIN.withIdle(Duration.ofMillis(300),
            Duration.ofMillis(100));
    // A bound for failure only: the read ends as soon as the server closes.
    private static final int BOUND_MS = 30_000;

    private AdminServer admin;

    @BeforeEach
    void start() {
        admin = AdminServer.start(InetAddress.getLoopbackAddress(), 0, MeterRegistries.create(Map.of()), List.of(),
                new Readiness(), routing -> { }, LIMITS);
    }

    @AfterEach
    void stop() {
        admin.stop();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedByTheServer() throws Exception {
        try (Socket client = connect()) {
            send(client, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            assertThat(readUntilClosed(client)).startsWith("HTTP/1.1 200 OK");
        }
    }

    private Socket connect() throws IOException {
        return RawAdminClient.connect(admin.address(), BOUND_MS);
    }
}

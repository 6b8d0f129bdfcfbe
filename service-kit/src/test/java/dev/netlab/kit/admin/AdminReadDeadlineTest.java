package dev.netlab.kit.admin;

import static dev.netlab.kit.admin.RawAdminClient.readResponse;
import static dev.netlab.kit.admin.RawAdminClient.readUntilClosed;
import static dev.netlab.kit.admin.RawAdminClient.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.MeterRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request head or body that stops arriving (slowloris) is closed at its deadline, while other clients are served
 * and a slow client that keeps sending is not cut off.
 */
class AdminReadDeadlineTest {

    // Short enough to wait for; the production values are ConnectionLimits.ADMIN's.
    private static final Duration HEAD = Duration.ofMillis(500);
    private static final Duration BODY = Duration.ofMillis(500);
    private static final long MIN_RATE = 1_000; // bytes per second
    private static final ConnectionLimits LIMITS = ConnectionLimits.ADMIN.withDeadlines(HEAD, BODY, MIN_RATE);
    // A bound for failure only: each read ends as soon as the server answers or closes.
    private static final int BOUND_MS = 20_000;

    private PrometheusMeterRegistry registry;
    private AdminServer admin;

    @BeforeEach
    void start() {
        registry = MeterRegistries.create(Map.of());
        admin = AdminServer.start(InetAddress.getLoopbackAddress(), 0, registry, List.of(), new Readiness(),
                routing -> routing.post("/api/echo", (req, res) -> res.send(req.content().as(byte[].class))), LIMITS);
    }

    @AfterEach
    void stop() {
        admin.stop();
    }

    @Test
    void aHeadThatStallsGets408AndIsClosedWhileOthersAreServed() throws Exception {
        try (Socket stalled = connect()) {
            send(stalled, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: te");

            // Served while the stalled head waits for its deadline.
            try (Socket good = connect()) {
                send(good, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(readResponse(good.getInputStream())).startsWith("HTTP/1.1 200 OK");
            }
            long start = System.nanoTime();
            assertThat(readUntilClosed(stalled)).startsWith("HTTP/1.1 408 ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(BOUND_MS / 2));
        }
        assertThat(timeouts("head")).isEqualTo(1);
        assertThat(timeouts("body")).isZero();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHeadDeadline() throws Exception {
        try (Socket silent = connect()) {
            assertThat(readUntilClosed(silent)).startsWith("HTTP/1.1 408 ");
        }
        assertThat(timeouts("head")).isEqualTo(1);
    }

    @Test
    void aBodyThatStallsIsClosed() throws Exception {
        try (Socket stalled = connect()) {
            send(stalled, "POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n0123456789");

            assertThat(readUntilClosed(stalled)).isEmpty();
        }
        assertThat(timeouts("body")).isEqualTo(1);
        assertThat(timeouts("head")).isZero();
    }

    @Test
    void aBodyNoRouteReadsIsClosedWhenItStalls() throws Exception {
        // No route reads it (404), but Helidon reads the body it was promised, to keep the connection.
        try (Socket stalled = connect()) {
            send(stalled, "POST /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n0123456789");

            readUntilClosed(stalled);
        }
        assertThat(timeouts("body")).isEqualTo(1);
    }

    @Test
    void aSlowButSteadyClientGetsItsAnswers() throws Exception {
        // The head takes about half its deadline; the body (2,000 bytes at twice the minimum rate) twice the body's
        // initial deadline, which its rate extends; then the connection idles past the head deadline before its
        // next request, whose deadline starts at its first byte.
        String body = "x".repeat(2_000);
        try (Socket slow = connect()) {
            trickle(slow, "POST /api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000\r\n\r\n", 5, HEAD.dividedBy(10));
            trickle(slow, body, 20, Duration.ofMillis(50));
            assertThat(readResponse(slow.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith(body);

            LockSupport.parkNanos(HEAD.multipliedBy(2).toNanos()); // the client idles: part of the behaviour tested
            trickle(slow, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5, HEAD.dividedBy(10));
            assertThat(readResponse(slow.getInputStream())).startsWith("HTTP/1.1 200 OK").endsWith("{\"status\":\"UP\"}");
        }
        assertThat(timeouts("head")).isZero();
        assertThat(timeouts("body")).isZero();
    }

    private double timeouts(String kind) {
        return registry.get("admin.timeouts").tag("kind", kind).counter().count();
    }

    private Socket connect() throws IOException {
        return RawAdminClient.connect(admin.address(), BOUND_MS);
    }

    /** Sends {@code text} in {@code pieces} parts, {@code pause} apart: a slow client's pace. */
    private static void trickle(Socket client, String text, int pieces, Duration pause) throws IOException {
        int step = (text.length() + pieces - 1) / pieces;
        for (int i = 0; i < text.length(); i += step) {
            if (i > 0) {
                LockSupport.parkNanos(pause.toNanos());
            }
            send(client, text.substring(i, Math.min(text.length(), i + step)));
        }
    }
}

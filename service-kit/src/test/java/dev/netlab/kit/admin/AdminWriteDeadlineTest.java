package dev.netlab.kit.admin;

import static dev.netlab.kit.admin.RawAdminClient.readHead;
import static dev.netlab.kit.admin.RawAdminClient.readResponse;
import static dev.netlab.kit.admin.RawAdminClient.readUntilClosed;
import static dev.netlab.kit.admin.RawAdminClient.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.MeterRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that asks for a large answer and stops reading it gives its connection slot back at the write deadline
 * (the body's terms: the timeout plus a second per minimum rate's bytes), while a client that reads its answer, even
 * after a pause shorter than the deadline, gets it whole.
 */
class AdminWriteDeadlineTest {

    private static final Duration BODY = Duration.ofMillis(500);
    private static final long MIN_RATE = 64L * 1024 * 1024; // bytes per second
    // One slot: a second client is served only once the first connection has ended.
    private static final ConnectionLimits LIMITS = new ConnectionLimits(1, ConnectionLimits.ADMIN.idleTimeout(),
            ConnectionLimits.ADMIN.idleCheck(), Duration.ofMillis(500), BODY, MIN_RATE);
    // Far beyond what the loopback socket buffers hold, so a client that does not read blocks the server's write.
    private static final byte[] LARGE = new byte[32 * 1024 * 1024];
    // A bound for failure only: each read ends as soon as the server answers or closes.
    private static final int BOUND_MS = 20_000;

    static {
        Arrays.fill(LARGE, (byte) 'x');
    }

    private PrometheusMeterRegistry registry;
    private AdminServer admin;

    @BeforeEach
    void start() {
        registry = MeterRegistries.create(Map.of());
        admin = AdminServer.start(InetAddress.getLoopbackAddress(), 0, registry, List.of(), new Readiness(),
                routing -> routing.get("/large", (req, res) -> res.send(LARGE)), LIMITS);
    }

    @AfterEach
    void stop() {
        admin.stop();
    }

    @Test
    void aClientThatStopsReadingIsClosedAndItsSlotServesTheNext() throws Exception {
        try (Socket stalled = connectWithSmallBuffer()) {
            send(stalled, "GET /large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            // The only slot is the stalled client's until its write deadline closes it.
            long start = System.nanoTime();
            try (Socket next = connect()) {
                send(next, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(readResponse(next.getInputStream())).startsWith("HTTP/1.1 200 OK");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(BOUND_MS / 2));
            assertThat(timeouts("send")).isEqualTo(1);

            // What the stalled client gets is cut short: the connection ended before the whole answer was sent.
            assertThat(receivedUntilEnd(stalled)).isLessThan(LARGE.length);
        }
        assertThat(timeouts("head")).isZero();
        assertThat(timeouts("body")).isZero();
    }

    @Test
    void aClientThatPausesWithinTheDeadlineGetsTheWholeAnswer() throws Exception {
        try (Socket reader = connectWithSmallBuffer()) {
            send(reader, "GET /large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            LockSupport.parkNanos(BODY.dividedBy(2).toNanos()); // the client's pause: the behaviour tested

            String head = readHead(reader.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200 OK");
            assertThat(reader.getInputStream().readNBytes(LARGE.length)).hasSize(LARGE.length);
        }
        assertThat(timeouts("send")).isZero();
    }

    private double timeouts(String kind) {
        return registry.get("admin.timeouts").tag("kind", kind).counter().count();
    }

    private Socket connect() throws IOException {
        return RawAdminClient.connect(admin.address(), BOUND_MS);
    }

    /** A client whose receive buffer is small, so the server's writes block soon when it does not read. */
    private Socket connectWithSmallBuffer() throws IOException {
        Socket client = new Socket();
        client.setReceiveBufferSize(8 * 1024);
        client.connect(admin.address(), BOUND_MS);
        client.setSoTimeout(BOUND_MS);
        return client;
    }

    /** The bytes the server sent until the connection ended (closed, or reset after the server closed it). */
    private static long receivedUntilEnd(Socket client) throws IOException {
        try {
            return readUntilClosed(client).length();
        } catch (SocketException reset) {
            return 0;
        }
    }
}

package dev.netlab.kit.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.netlab.kit.metrics.MeterRegistries;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A flood of idle connections on the admin socket: the process holds at most the cap, the rest wait, all recover. */
@EnabledOnOs(OS.LINUX) // reads the kernel's socket tables from /proc
class AdminConnectionCapTest {

    private static final int OVER_CAP = 16;
    // Bounds for failure only: each wait ends as soon as its condition holds.
    private static final Duration BOUND = Duration.ofSeconds(30);

    private AdminServer admin;
    private final List<Socket> idle = new ArrayList<>();

    @BeforeEach
    void start() {
        admin = AdminServer.start(InetAddress.getLoopbackAddress(), 0, MeterRegistries.create(Map.of()),
                new Readiness(), routing -> { });
    }

    @AfterEach
    void stop() throws IOException {
        closeIdle();
        admin.stop();
    }

    @Test
    void connectionsOverTheCapWaitUnacceptedAndAreServedOnceTheIdleOnesClose() throws Exception {
        int port = admin.address().getPort();
        for (int i = 0; i < ConnectionLimits.ADMIN.maxConnections() + OVER_CAP; i++) {
            Socket s = new Socket();
            s.connect(admin.address(), (int) BOUND.toMillis());
            idle.add(s); // connected, never sends a byte
        }

        // The process accepts up to the cap; the rest stay in the kernel's accept queue, holding none of its
        // descriptors. Without a cap Helidon accepts all of them and the queue drains, so this never holds.
        ListenerSockets held = await(port, k -> k.acceptQueue() >= OVER_CAP);
        assertThat(held.accepted()).isLessThanOrEqualTo(ConnectionLimits.ADMIN.maxConnections());

        try (Socket probe = new Socket()) {
            probe.connect(admin.address(), (int) BOUND.toMillis());
            probe.setSoTimeout((int) BOUND.toMillis());
            probe.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            closeIdle();
            // Queued behind the flood; served once the idle connections are gone.
            assertThat(statusLine(probe.getInputStream())).isEqualTo("HTTP/1.1 200 OK");
        }
        try (Socket fresh = new Socket()) {
            fresh.connect(admin.address(), (int) BOUND.toMillis());
            fresh.setSoTimeout((int) BOUND.toMillis());
            fresh.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(statusLine(fresh.getInputStream())).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    private static ListenerSockets await(int port, Predicate<ListenerSockets> condition) throws IOException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        ListenerSockets now = ListenerSockets.of(port);
        while (!condition.test(now)) {
            if (System.nanoTime() > deadline) {
                fail("after " + BOUND + " the listener still is " + now);
            }
            LockSupport.parkNanos(10_000_000); // poll the kernel's table again shortly
            now = ListenerSockets.of(port);
        }
        return now;
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    private void closeIdle() throws IOException {
        for (Socket s : idle) {
            s.close();
        }
        idle.clear();
    }
}

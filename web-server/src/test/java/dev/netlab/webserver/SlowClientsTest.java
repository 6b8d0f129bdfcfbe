package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Head and idle timeouts, slowloris, and the connection limit, with timeouts shrunk to milliseconds. */
class SlowClientsTest {

    @TempDir
    Path root;

    @BeforeEach
    void site() throws IOException {
        Files.writeString(root.resolve("HelloWorld.html"), "<p>Congratulations! The Web Server is working fine!</p>");
    }

    @Test
    void aHeadThatDoesNotArriveInTimeGets408AndIsCut() throws Exception {
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.head", "300ms"));
             RawHttp client = RawHttp.connect(server.port())) {
            long start = System.nanoTime();
            client.send("GET /HelloWorld.html HTTP/1.1\r\nHo");
            RawHttp.Reply reply = client.read();
            long elapsed = System.nanoTime() - start;
            assertThat(reply.status()).isEqualTo(408);
            assertThat(reply.header("Connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(elapsed)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
            assertThat(server.metric("webserver_timeouts_total", "kind", "head")).isEqualTo(1);
            assertThat(server.metric("webserver_timeouts_total", "kind", "idle")).isZero();
        }
    }

    @Test
    void aConnectionThatSendsNothingIsCutAtTheHeadTimeout() throws Exception {
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.head", "200ms"));
             RawHttp client = RawHttp.connect(server.port())) {
            assertThat(client.read().status()).isEqualTo(408);
            assertThat(server.metric("webserver_timeouts_total", "kind", "head")).isEqualTo(1);
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAtTheIdleTimeout() throws Exception {
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.idle", "200ms"));
             RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /HelloWorld.html HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.closedByServer()).isTrue();
            Poll.until(Duration.ofSeconds(5), "idle timeout counted",
                    () -> server.metric("webserver_timeouts_total", "kind", "idle") == 1);
            assertThat(server.metric("webserver_timeouts_total", "kind", "head")).isZero();
        }
    }

    @Test
    void trickledHeaderBytesDoNotStretchTheHeadTimeout() throws Exception {
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.head", "400ms"));
             RawHttp client = RawHttp.connect(server.port());
             ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor()) {
            client.send("GET / HTTP/1.1\r\nX: ");
            long start = System.nanoTime();
            trickler.scheduleAtFixedRate(() -> {
                try {
                    client.send("a");
                } catch (IOException e) {
                    // cut by the server: the point of the test
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            // The 408 may be lost to the reset the next trickled byte draws: the cut itself is what counts.
            assertThat(cut(client.socket())).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(server.metric("webserver_timeouts_total", "kind", "head")).isEqualTo(1);
        }
    }

    @Test
    void aThousandSlowlorisConnectionsNeitherStarveANormalClientNorOutliveTheHeadTimeout() throws Exception {
        int slow = 1000;
        // Long enough that opening the slow connections and one request fit in it on a loaded machine.
        Duration headTimeout = Duration.ofSeconds(5);
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.head", "5s"));
             ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                long opened = System.nanoTime();
                for (int i = 0; i < slow; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write("GET /HelloWorld.html HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    sockets.add(socket);
                }
                // One header byte to every slow connection every 100 ms, until the server cuts it.
                trickler.scheduleAtFixedRate(() -> {
                    for (Socket socket : sockets) {
                        try {
                            OutputStream out = socket.getOutputStream();
                            out.write('z');
                        } catch (IOException e) {
                            // cut by the server
                        }
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                Poll.until(Duration.ofSeconds(10), "all slow connections accepted",
                        () -> server.metric("webserver_connections_active") >= slow);

                RawHttp.Reply reply = RawHttp.get(server.port(), "/HelloWorld.html");
                assertThat(reply.text()).contains("Congratulations");
                // Served while every slow connection is still held, whatever the machine's load: a server they
                // starve answers the normal client only once the head timeout has cut some of them.
                assertThat(server.metric("webserver_timeouts_total", "kind", "head")).isZero();
                assertThat(server.metric("webserver_connections_active")).isGreaterThanOrEqualTo(slow);

                for (Socket socket : sockets) {
                    assertThat(cut(socket)).isTrue();
                }
                Duration allCut = Duration.ofNanos(System.nanoTime() - opened);
                assertThat(allCut).isLessThan(headTimeout.plusSeconds(6));
                Poll.until(Duration.ofSeconds(10), "every slow connection counted",
                        () -> server.metric("webserver_timeouts_total", "kind", "head") == slow);
                Poll.until(Duration.ofSeconds(10), "every slow connection closed",
                        () -> server.metric("webserver_connections_active") == 0);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsCutAtTheSendTimeout() throws Exception {
        byte[] big = new byte[16 * 1024 * 1024];
        Files.write(root.resolve("big.bin"), big);
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.send", "300ms"));
             Socket socket = new Socket()) {
            // A small receive window, and no reads: the server's writes stall once the buffers are full.
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Not "no connection active" alone: that holds before the server has accepted this one.
            Poll.until(Duration.ofSeconds(10), "the send timeout counted",
                    () -> server.metric("webserver_timeouts_total", "kind", "send") > 0);
            Poll.until(Duration.ofSeconds(10), "the stalled connection closed by the server",
                    () -> server.metric("webserver_connections_active") == 0);
            assertThat(server.metric("webserver_timeouts_total", "kind", "send")).isEqualTo(1.0);
            // What arrives before the end is a cut-short response, never all of it. The end may be a FIN, a reset,
            // or silence: the kernel may drop the closed socket's unsent bytes while the client does not read.
            long received = 0;
            byte[] scrap = new byte[64 * 1024];
            try {
                for (int n = socket.getInputStream().read(scrap); n >= 0; n = socket.getInputStream().read(scrap)) {
                    received += n;
                }
            } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
                // cut
            }
            assertThat(received).isLessThan(big.length);
        }
    }

    @Test
    void clientsThatStopReadingDoNotHoldUpOthers() throws Exception {
        Files.write(root.resolve("big.bin"), new byte[16 * 1024 * 1024]);
        List<Socket> stalled = new ArrayList<>();
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.send", "60s"))) {
            try {
                // More stalled senders than the machine has carrier threads.
                int count = Runtime.getRuntime().availableProcessors() * 2 + 2;
                for (int i = 0; i < count; i++) {
                    Socket socket = new Socket();
                    socket.setReceiveBufferSize(4096);
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                    socket.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    stalled.add(socket);
                }
                Poll.until(Duration.ofSeconds(10), "stalled connections open",
                        () -> server.metric("webserver_connections_active") == count);
                // Answered (within the client's 5 s read timeout) while every stalled sender is still stalled:
                // stalled writes that pinned the carriers would hold it up until the 60 s send timeout.
                assertThat(RawHttp.get(server.port(), "/HelloWorld.html").status()).isEqualTo(200);
                assertThat(server.metric("webserver_connections_active")).isGreaterThanOrEqualTo(count);
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aFloodBeyondTheLimitIsRefusedWithoutHoldingDescriptors() throws Exception {
        try (TestServer server = TestServer.start(root, Map.of("webserver.max-connections", "1"));
             RawHttp holder = RawHttp.connect(server.port())) {
            Poll.until(Duration.ofSeconds(5), "one connection open",
                    () -> server.metric("webserver_connections_active") == 1);
            long baseline = openDescriptors();
            int flood = 600;
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < flood; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                    socket.setSoTimeout(10_000);
                    sockets.add(socket);
                }
                for (Socket socket : sockets) {
                    byte[] answer = socket.getInputStream().readNBytes(12);
                    assertThat(new String(answer, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 503");
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            assertThat(server.metric("webserver_connections_refused_total")).isEqualTo(flood);
            assertThat(holder.socket().isConnected()).isTrue();
            Poll.until(Duration.ofSeconds(10), "descriptors back to the baseline of " + baseline,
                    () -> openDescriptors() <= baseline);
        }
    }

    private static long openDescriptors() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Reads until the server ends the connection: true on end of stream or a reset (a slow client still writing
     * when the server closes draws one), false when the read times out with the connection still open.
     */
    private static boolean cut(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] scrap = new byte[1024];
        try {
            while (in.read(scrap) >= 0) {
                // the 408, when it survives
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Test
    void beyondTheConnectionLimitANewConnectionGets503AndIsCounted() throws Exception {
        try (TestServer server = TestServer.start(root, Map.of("webserver.max-connections", "2"));
             RawHttp first = RawHttp.connect(server.port());
             RawHttp second = RawHttp.connect(server.port())) {
            assertThat(server.metric("webserver_connections_refused_total")).isZero();
            Poll.until(Duration.ofSeconds(5), "two connections open",
                    () -> server.metric("webserver_connections_active") == 2);
            try (RawHttp third = RawHttp.connect(server.port())) {
                third.send("GET /HelloWorld.html HTTP/1.1\r\nHost: t\r\n\r\n");
                RawHttp.Reply refused = third.read();
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Connection")).isEqualTo("close");
                assertThat(third.closedByServer()).isTrue();
            }
            assertThat(server.metric("webserver_connections_refused_total")).isEqualTo(1);
            first.send("GET /HelloWorld.html HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(first.read().status()).isEqualTo(200);
            second.socket().close();
            Poll.until(Duration.ofSeconds(5), "one connection left",
                    () -> server.metric("webserver_connections_active") == 1);
            assertThat(RawHttp.get(server.port(), "/HelloWorld.html").status()).isEqualTo(200);
        }
    }
}

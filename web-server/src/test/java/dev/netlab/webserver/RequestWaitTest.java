package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.webserver.accesslog.AccessLog;
import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpDate;
import dev.netlab.webserver.http.HttpInput;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection's wait for a request: on a plain socket it parks without a timer (a timed park costs two wake-ups of
 * the scheduler's delay thread per wait), a late or trickled request is still answered, and the server's watchdog
 * ends a first wait past the head timeout with a 408 and a keep-alive wait past the idle timeout with a close.
 */
class RequestWaitTest {

    private static final Duration ENDS = Duration.ofSeconds(5);
    private static final byte[] PAGE = "<p>first read</p>".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    @Test
    void aNewConnectionWaitsForItsFirstRequestWithoutATimerAndAnswersItWhenItComes() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             RawHttp client = RawHttp.connect(((InetSocketAddress) server.getLocalAddress()).getPort())) {
            ServedConnection served = ServedConnection.start(server.accept(), config(Map.of()));
            assertParkedWithoutATimer(served, "for its first request");
            assertLastRequestAnswered(client, served);
        }
    }

    @Test
    void aRequestTrickledInAfterTheFirstWaitParkedIsAnswered() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             RawHttp client = RawHttp.connect(((InetSocketAddress) server.getLocalAddress()).getPort())) {
            ServedConnection served = ServedConnection.start(server.accept(), config(Map.of()));
            Poll.until(ENDS, "parked for the first request", () -> served.thread().getState() == Thread.State.WAITING);
            client.send("GET /pa");
            // The rest of the head is read with the head timeout again: a timed park.
            Poll.until(ENDS, "parked for the rest of the head",
                    () -> served.thread().getState() == Thread.State.TIMED_WAITING);
            client.send("ge HTTP/1.1\r\nHost: t\r\n");
            client.send("\r\n");
            RawHttp.Reply reply = client.read();
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo(PAGE);
            assertThat(client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").read().body()).isEqualTo(PAGE);
        }
    }

    @Test
    void aRequestAlreadyInWhenTheConnectionStartsIsAnswered() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             RawHttp client = RawHttp.connect(((InetSocketAddress) server.getLocalAddress()).getPort())) {
            client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\nGET /page HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            SocketChannel accepted = server.accept();
            Poll.until(ENDS, "both requests arrived", () -> available(accepted) > 70);
            ServedConnection.start(accepted, config(Map.of()));
            assertThat(client.read().body()).isEqualTo(PAGE);
            assertThat(client.read().body()).isEqualTo(PAGE);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aClientThatClosesBeforeItsFirstRequestEndsTheConnectionQuietly() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            RawHttp client = RawHttp.connect(((InetSocketAddress) server.getLocalAddress()).getPort());
            ServedConnection served = ServedConnection.start(server.accept(), config(Map.of()));
            Poll.until(ENDS, "parked for the first request", () -> served.thread().getState() == Thread.State.WAITING);
            client.close();
            assertThat(served.ended().await(ENDS.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(served.registry().find("webserver.timeouts").tag("kind", "head").counter().count()).isZero();
        }
    }

    @Test
    void theWatchdogEndsAFirstWaitPastTheHeadTimeoutWith408() throws Exception {
        Files.write(root.resolve("page"), PAGE);
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.head", "300ms"));
             RawHttp client = RawHttp.connect(server.port())) {
            long start = System.nanoTime();
            RawHttp.Reply reply = client.read();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(reply.status()).isEqualTo(408);
            assertThat(client.closedByServer()).isTrue();
            // The watchdog looks every 300 / 8 ms: the cut is at most that late, plus this machine's scheduling.
            assertThat(waited).isBetween(Duration.ofMillis(290), Duration.ofMillis(1500));
            assertThat(server.metric("webserver_timeouts_total", "kind", "head")).isEqualTo(1);
            // The server still serves.
            assertThat(RawHttp.get(server.port(), "/page").body()).isEqualTo(PAGE);
        }
    }

    @Test
    void aKeepAliveConnectionWaitsForItsNextRequestWithoutATimerAndAnswersItWhenItComes() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             RawHttp client = RawHttp.connect(((InetSocketAddress) server.getLocalAddress()).getPort())) {
            ServedConnection served = ServedConnection.start(server.accept(), config(Map.of()));
            assertThat(client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").read().body()).isEqualTo(PAGE);
            assertParkedWithoutATimer(served, "for its next request");
            assertLastRequestAnswered(client, served);
            assertThat(served.registry().find("webserver.timeouts").tag("kind", "idle").counter().count()).isZero();
        }
    }

    @Test
    void theWatchdogClosesAKeepAliveConnectionIdlePastTheIdleTimeout() throws Exception {
        Files.write(root.resolve("page"), PAGE);
        try (TestServer server = TestServer.start(root, Map.of("webserver.timeouts.idle", "300ms"));
             RawHttp client = RawHttp.connect(server.port())) {
            assertThat(client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").read().body()).isEqualTo(PAGE);
            long start = System.nanoTime();
            assertThat(client.closedByServer()).isTrue();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            // The watchdog looks every 300 / 8 ms: the cut is at most that late, plus this machine's scheduling.
            assertThat(waited).isBetween(Duration.ofMillis(250), Duration.ofMillis(1500));
            assertThat(server.metric("webserver_timeouts_total", "kind", "idle")).isEqualTo(1);
            assertThat(server.metric("webserver_timeouts_total", "kind", "head")).isZero();
            // The server still serves.
            assertThat(RawHttp.get(server.port(), "/page").body()).isEqualTo(PAGE);
        }
    }

    @Test
    void aWaitIsCutOnlyOnceAndOnlyAfterItsDeadline() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            PlainTransport transport = new PlainTransport(accepted);
            RequestWait requestWait = new RequestWait(transport, SchedulerWatch.SHARED,
                    new Turns.Hold(Turns.unlimited()));
            assertThat(requestWait.cutIfLate(System.nanoTime())).as("nothing waits yet").isFalse();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    DeadlineInputStream stream = new DeadlineInputStream(transport.open(deadline));
                    stream.deadline(deadline);
                    requestWait.awaitFirst(stream, new HttpInput(stream, 1024), deadline);
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            Poll.until(ENDS, "the wait parked", () -> waiter.getState() == Thread.State.WAITING);
            assertThat(requestWait.cutIfLate(deadline - 1)).as("before the deadline").isFalse();
            assertThat(requestWait.cutIfLate(deadline)).as("at the deadline").isTrue();
            assertThat(requestWait.cutIfLate(deadline + 1)).as("cut already").isFalse();
            assertThat(outcome.get(ENDS.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(SocketTimeoutException.class);
            // The output stays open for the 408.
            client.configureBlocking(true);
            accepted.write(ByteBuffer.wrap(PAGE));
            ByteBuffer got = ByteBuffer.allocate(PAGE.length);
            while (got.hasRemaining() && client.read(got) >= 0) {
                // until the bytes are in
            }
            assertThat(got.array()).isEqualTo(PAGE);
        }
    }

    /** A timed read would park TIMED_WAITING (a timer on the scheduler's delay thread); untimed it is WAITING. */
    private static void assertParkedWithoutATimer(ServedConnection served, String what) {
        Poll.until(ENDS, "the connection's thread parked " + what,
                () -> served.thread().getState() == Thread.State.WAITING);
        assertThat(served.thread().getState()).isEqualTo(Thread.State.WAITING);
    }

    /** Sends a request with Connection: close and checks its answer, the close and the connection's end. */
    private static void assertLastRequestAnswered(RawHttp client, ServedConnection served) throws Exception {
        RawHttp.Reply reply = client.send("GET /page HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").read();
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(PAGE);
        assertThat(client.closedByServer()).isTrue();
        assertThat(served.ended().await(ENDS.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    private static int available(SocketChannel channel) {
        try {
            return channel.socket().getInputStream().available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private WebServerConfig config(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of("webserver.port", "0",
                "webserver.root", root.toString()));
        settings.putAll(overrides);
        return WebServerConfig.from(ConfigLoader.load(Optional.empty(), Map.of(), settings));
    }

    /** A connection served on its own virtual thread by the real Connection, outside an engine. */
    private record ServedConnection(Thread thread, CountDownLatch ended, SimpleMeterRegistry registry) {

        static ServedConnection start(SocketChannel accepted, WebServerConfig config) {
            CountDownLatch ended = new CountDownLatch(1);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            WebServerMetrics metrics = new WebServerMetrics(registry, () -> 1);
            Connection connection = new Connection(new PlainTransport(accepted), config,
                    head -> new Response(Status.OK, new Headers().add("Content-Type", "text/html"),
                            new Body.Bytes(PAGE)),
                    metrics, AccessLog.off(registry), new HttpDate(Clock.systemUTC()), new Connection.Owner() {
                        @Override
                        public boolean draining() {
                            return false;
                        }

                        @Override
                        public void closed(Connection closed) {
                            ended.countDown();
                        }
                    }, new ExchangeBuffers(config.limits(), Connection.OUTPUT_BUFFER, 1));
            return new ServedConnection(Thread.ofVirtual().start(connection), ended, registry);
        }
    }

}

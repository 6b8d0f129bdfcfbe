package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.webserver.accesslog.AccessLog;
import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpDate;
import dev.netlab.webserver.http.RequestHandler;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a small answer a keep-alive connection takes a few more turns (a yield, then a read that does not wait)
 * before it parks in the poller: at saturation the client's next request usually arrives within them, and the read
 * takes it without the poller's round trip. After a large answer it parks after its one turn, as before: the client
 * takes longer to read the answer, and the turns would only spin. A turning thread still leaves in a drain.
 */
class KeepAliveTurnsTest {

    private static final Duration ENDS = Duration.ofSeconds(5);
    private static final byte[] SMALL = "<p>small</p>".getBytes(StandardCharsets.UTF_8);
    private static final String LAST = "GET /page HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

    @TempDir
    Path root;

    @Test
    void aSmallAnswersConnectionReadsARequestArrivingInItsLastTurnWithoutParking() throws Exception {
        try (ServerSocketChannel server = listen();
             RawHttp client = RawHttp.connect(port(server))) {
            CountingTransport transport = new CountingTransport(new PlainTransport(server.accept()));
            // The request arrives during the last turn: every turn was taken, and that turn's read found it.
            CountDownLatch sent = new CountDownLatch(1);
            transport.sendingAt(Connection.KEEP_ALIVE_TURNS, () -> {
                send(client, LAST);
                sent.countDown();
            });
            Thread thread = serve(transport, answering(transport, SMALL), SchedulerWatch.SHARED);

            assertThat(client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").read().body()).isEqualTo(SMALL);
            assertThat(sent.await(ENDS.toMillis(), TimeUnit.MILLISECONDS))
                    .as("the connection took %d reads that do not wait after a small answer", Connection.KEEP_ALIVE_TURNS)
                    .isTrue();
            RawHttp.Reply last = client.read();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.body()).isEqualTo(SMALL);
            assertThat(client.closedByServer()).isTrue();
            assertThat(thread.join(ENDS)).isTrue();
            assertThat(transport.readsBeforeLastAnswer()).isEqualTo(Connection.KEEP_ALIVE_TURNS);
            assertThat(transport.requestReadAt()).as("the read that took the request (not the parked one)")
                    .isEqualTo(Connection.KEEP_ALIVE_TURNS);
        }
    }

    @Test
    void aLargeAnswersConnectionParksAfterItsOneTurnWithoutReadsThatDoNotWait() throws Exception {
        byte[] large = new byte[(int) Connection.SMALL_ANSWER_BYTES + 1];
        Arrays.fill(large, (byte) 'x');
        try (ServerSocketChannel server = listen();
             RawHttp client = RawHttp.connect(port(server))) {
            CountingTransport transport = new CountingTransport(new PlainTransport(server.accept()));
            Thread thread = serve(transport, answering(transport, large), SchedulerWatch.SHARED);

            assertThat(client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").read().body()).isEqualTo(large);
            // Parked in the poller (untimed) with nothing sent: it did not spin.
            Poll.until(ENDS, "the connection parked after the large answer",
                    () -> thread.getState() == Thread.State.WAITING);
            RawHttp.Reply last = client.send(LAST).read();
            assertThat(last.body()).isEqualTo(large);
            assertThat(client.closedByServer()).isTrue();
            assertThat(thread.join(ENDS)).isTrue();
            assertThat(transport.readsBeforeLastAnswer()).as("reads that do not wait after the large answer").isZero();
            assertThat(transport.requestReadAt()).as("the request came through the parked read").isZero();
        }
    }

    @Test
    void aConnectionTurningAfterASmallAnswerLeavesInADrainAndServesItsRequestAfterIt() throws Exception {
        CountDownLatch holdCanary = new CountDownLatch(1);
        CountDownLatch canaryMayRun = new CountDownLatch(1);
        SchedulerWatch watch = HeldCanaryWatch.from(holdCanary, canaryMayRun);
        try (ServerSocketChannel server = listen();
             RawHttp client = RawHttp.connect(port(server))) {
            CountingTransport transport = new CountingTransport(new PlainTransport(server.accept()));
            // At its first read after the answer, a drain opens: the yield that follows must end in the leavers.
            transport.atRead(1, () -> {
                holdCanary.countDown();
                Poll.until(ENDS, "a drain on", watch::draining);
            });
            Thread thread = serve(transport, answering(transport, SMALL), watch);

            assertThat(client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").read().body()).isEqualTo(SMALL);
            Poll.until(ENDS, "the turning connection left", () -> watch.leaves() == 1);
            assertThat(watch.leaversInWakeOrder()).containsExactly(thread);
            assertThat(watch.draining()).isTrue();

            client.send(LAST);
            canaryMayRun.countDown();
            RawHttp.Reply last = client.read();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.body()).isEqualTo(SMALL);
            assertThat(client.closedByServer()).isTrue();
            assertThat(thread.join(ENDS)).isTrue();
            assertThat(watch.leaversInWakeOrder()).isEmpty();
        } finally {
            holdCanary.countDown();
            canaryMayRun.countDown();
        }
    }

    private static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static int port(ServerSocketChannel server) throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private static void send(RawHttp client, String text) {
        try {
            client.send(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A handler answering {@code body}, which marks each answer's start on the transport (same thread). */
    private static RequestHandler answering(CountingTransport transport, byte[] body) {
        return head -> {
            transport.answerStarts();
            return new Response(Status.OK, new Headers().add("Content-Type", "text/html"), new Body.Bytes(body));
        };
    }

    /** Serves the connection with the real Connection on its own virtual thread, outside an engine. */
    private Thread serve(Transport transport, RequestHandler handler, SchedulerWatch watch) {
        WebServerConfig config = WebServerConfig.from(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("webserver.port", "0", "webserver.root", root.toString())));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Connection connection = new Connection(transport, config, handler,
                new WebServerMetrics(registry, () -> 1), AccessLog.off(registry), new HttpDate(Clock.systemUTC()),
                new Connection.Owner() {
                    @Override
                    public boolean draining() {
                        return false;
                    }

                    @Override
                    public void closed(Connection closed) {
                    }

                    @Override
                    public SchedulerWatch watch() {
                        return watch;
                    }
                }, new ExchangeBuffers(config.limits(), Connection.OUTPUT_BUFFER, 1));
        return Thread.ofVirtual().start(connection);
    }

    /**
     * A plain transport that counts the reads that do not wait after each answer (from the handler's start of the
     * next one, on the connection's thread), can act at one of them (a client sending, a drain opening) and records
     * which one took the next request.
     */
    private static final class CountingTransport implements Transport {

        private final PlainTransport plain;
        /** Reads that do not wait since the last answer began; -1 before the first answer. */
        private volatile int reads = -1;
        /** Which of them took bytes (0: none, the request came through the parked read). */
        private volatile int tookBytesAt;
        private volatile int readsBeforeLastAnswer = -1;
        private volatile int requestReadAt = -1;
        private volatile int actAt;
        private volatile Runnable action;
        private volatile boolean actionSends;

        CountingTransport(PlainTransport plain) {
            this.plain = plain;
        }

        /** At the {@code read}th read that does not wait after an answer, {@code act} sends the next request. */
        void sendingAt(int read, Runnable act) {
            at(read, act, true);
        }

        /** At the {@code read}th read that does not wait after an answer, {@code act} runs. */
        void atRead(int read, Runnable act) {
            at(read, act, false);
        }

        private void at(int read, Runnable act, boolean sends) {
            this.actAt = read;
            this.actionSends = sends;
            this.action = act;
        }

        /** An answer begins: what the wait before it did is kept, and the reads after it are counted from 0. */
        void answerStarts() {
            if (reads >= 0) {
                readsBeforeLastAnswer = reads;
                requestReadAt = tookBytesAt;
            }
            reads = 0;
            tookBytesAt = 0;
        }

        /** The reads that do not wait in the wait before the last answer. */
        int readsBeforeLastAnswer() {
            return readsBeforeLastAnswer;
        }

        /** Which of them took the last request (0: none, the parked read did). */
        int requestReadAt() {
            return requestReadAt;
        }

        @Override
        public int readNow(byte[] buffer, int offset, int length) throws IOException {
            if (reads < 0) {
                return plain.readNow(buffer, offset, length);
            }
            int read = ++reads;
            Runnable act = action;
            int got;
            if (act != null && read == actAt) {
                action = null;
                act.run();
                got = actionSends ? awaitArrival(buffer, offset, length) : plain.readNow(buffer, offset, length);
            } else {
                got = plain.readNow(buffer, offset, length);
            }
            if (got > 0) {
                tookBytesAt = read;
            }
            return got;
        }

        /** What the action sent: on loopback it is in when the send returns, read again until it is all the same. */
        private int awaitArrival(byte[] buffer, int offset, int length) throws IOException {
            long deadline = System.nanoTime() + ENDS.toNanos();
            int got;
            while ((got = plain.readNow(buffer, offset, length)) == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return got;
        }

        @Override
        public Socket open(long deadline) throws IOException {
            return plain.open(deadline);
        }

        @Override
        public WritableByteChannel output() {
            return plain.output();
        }

        @Override
        public boolean directOutput() {
            return plain.directOutput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            plain.shutdownOutput();
        }

        @Override
        public void endBeforeClose() {
            plain.endBeforeClose();
        }

        @Override
        public boolean waitsUntimed() {
            return true;
        }

        @Override
        public void endWait() throws IOException {
            plain.endWait();
        }

        @Override
        public void abort() {
            plain.abort();
        }

        @Override
        public InetAddress remoteAddress() {
            return plain.remoteAddress();
        }
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.config.ConfigLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.netlab.webserver.files.DotfilePolicy;
import dev.netlab.webserver.files.PathResolver;
import dev.netlab.webserver.files.StaticFileHandler;
import dev.netlab.webserver.files.SymlinkPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection holds its turn only while its thread runs: one whose client goes quiet in the middle of a request, or
 * stops reading an answer, has given its turn to the next connection first. With a single turn, a connection that
 * kept it there would stop every other keep-alive connection until its head or send timeout (a minute here).
 */
class TurnsHoldTest {

    @TempDir
    Path root;

    private WebServerEngine engine;
    private int port;

    @BeforeEach
    void site() throws IOException {
        Files.writeString(root.resolve("small.txt"), "small");
        Files.write(root.resolve("big.bin"), new byte[16 * 1024 * 1024]);
    }

    private void start() throws IOException {
        WebServerConfig config = WebServerConfig.from(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "webserver.port", "0", "webserver.root", root.toString(),
                "webserver.timeouts.head", "60s", "webserver.timeouts.send", "60s")));
        StaticFileHandler files = new StaticFileHandler(
                PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.INSIDE_ROOT), false, Clock.systemUTC());
        engine = new WebServerEngine(config, files,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
        engine.useWatch(new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000), Duration.ofMillis(50),
                SchedulerWatch.Interleaving.NONE, new Turns(1)));
        port = engine.start().get(0).port();
    }

    private void stop() {
        engine.stopAccepting();
        engine.close();
    }

    @Test
    void aClientQuietInTheMiddleOfAHeadHoldsNoTurn() throws Exception {
        start();
        try (RawHttp quiet = RawHttp.connect(port); RawHttp other = RawHttp.connect(port)) {
            // Its second request takes the turn at the wait (the first request of a connection takes none), and its
            // head stops half-way: the thread waits in a read for the rest.
            assertThat(quiet.send("GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            quiet.send("GET /small.txt HTTP/1.1\r\nHo");
            assertKeepAliveAnswered(other);
            assertThat(quiet.send("st: t\r\n\r\n").read().status()).as("the quiet one's request, finished").isEqualTo(200);
        } finally {
            stop();
        }
    }

    @Test
    void aClientThatStopsReadingHoldsNoTurn() throws Exception {
        start();
        try (Socket stalled = new Socket(); RawHttp other = RawHttp.connect(port)) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            stalled.setSoTimeout(5_000);
            RawHttp stalledHttp = RawHttp.over(stalled);
            assertThat(stalledHttp.send("GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            // Taken at the wait, the turn would be held through the write that the full buffers stop: once its head
            // has come, the thread is writing, and the client reads no more.
            assertThat(stalledHttp.send("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n").readHead().status()).isEqualTo(200);
            assertKeepAliveAnswered(other);
        } finally {
            stop();
        }
    }

    /** Several requests on one keep-alive connection, each answered within the client's 5 s read timeout. */
    private static void assertKeepAliveAnswered(RawHttp client) throws IOException {
        for (int i = 0; i < 5; i++) {
            assertThat(client.send("GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
        }
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.webserver.accesslog.AccessLog;
import dev.netlab.webserver.accesslog.AccessLogFormat;
import dev.netlab.webserver.accesslog.AccessLogSink;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log over real sockets: a line per request, nothing raw from the client, and a full queue drops. */
class AccessLogTest {

    @TempDir
    Path root;

    @Test
    void offByDefaultWithTheDroppedCounterAtZero() throws Exception {
        try (TestServer server = TestServer.start(root, Map.of())) {
            assertThat(server.scrape().value("webserver_access_log_dropped_total")).contains(0.0);
        }
    }

    @Test
    void everyRequestIsOneSafeLineFlushedWhenTheServerStops() throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hi\n");
        Path log = root.resolve("access.log");
        try (TestServer server = TestServer.start(root, Map.of("webserver.access-log.enabled", "true",
                "webserver.access-log.target", log.toString()))) {
            try (RawHttp client = RawHttp.connect(server.port())) {
                client.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\nReferer: http://x/\"q\"\r\n"
                        + "User-Agent: evil\" \\x1b \u009b2J\r\n\r\n");
                assertThat(client.read().status()).isEqualTo(200);
                client.send("HEAD /missing HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(client.readHead().status()).isEqualTo(404);
            }
            try (RawHttp client = RawHttp.connect(server.port())) {
                // A raw ANSI escape in a field value: refused (400), and logged without it.
                client.send("GET /hello.txt HTTP/1.1\r\nHost: t\r\nUser-Agent: \u001b[31mred\r\n\r\n");
                assertThat(client.read().status()).isEqualTo(400);
            }
            try (RawHttp client = RawHttp.connect(server.port())) {
                client.send("GET /a\rb HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(client.read().status()).isEqualTo(400);
            }
        }
        byte[] written = Files.readAllBytes(log);
        for (byte b : written) {
            assertThat(b == '\n' || (b >= 0x20 && b < 0x7f)).as("byte 0x%02x", b).isTrue();
        }
        List<String> lines = List.of(new String(written, StandardCharsets.US_ASCII).split("\n"));
        assertThat(lines).hasSize(4);
        String time = "\\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\]";
        assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 - - " + time + " \"GET /hello\\.txt HTTP/1\\.1\" 200 \\d+ "
                + "\"http://x/\\\\\"q\\\\\"\" \"evil\\\\\" \\\\\\\\x1b \\\\x9b2J\" \\d+\\.\\d{3}");
        assertThat(lines.get(1)).matches("127\\.0\\.0\\.1 - - " + time + " \"HEAD /missing HTTP/1\\.1\" 404 \\d+ "
                + "\"-\" \"-\" \\d+\\.\\d{3}");
        assertThat(lines.get(2)).contains("\" 400 ");
        assertThat(lines.get(3)).contains("\" 400 ");
    }

    @Test
    void jsonLinesToAFile() throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hi\n");
        Path log = root.resolve("access.jsonl");
        try (TestServer server = TestServer.start(root, Map.of("webserver.access-log.enabled", "true",
                "webserver.access-log.format", "json", "webserver.access-log.target", log.toString()))) {
            assertThat(RawHttp.get(server.port(), "/hello.txt").status()).isEqualTo(200);
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(log));
        assertThat(json.get("target").asText()).isEqualTo("/hello.txt");
        assertThat(json.get("status").asInt()).isEqualTo(200);
    }

    @Test
    void aBlockedWriterDropsAndCountsLinesWhileAnswersGoOn() throws Exception {
        WebServerConfig config = WebServerConfig.from(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("webserver.port", "0", "webserver.root", root.toString())));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BlockedSink sink = new BlockedSink();
        AccessLog accessLog = AccessLog.to(sink, AccessLogFormat.COMBINED, 4, Clock.systemUTC(), registry);
        WebServerEngine engine = new WebServerEngine(config, head -> Response.error(Status.NOT_FOUND, null),
                registry, Clock.systemUTC(), Optional.empty(), accessLog);
        try {
            int port = engine.start().get(0).port();
            try (RawHttp client = RawHttp.connect(port)) {
                assertThat(client.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(404);
                // The writer holds the first line and is stuck in the sink: the next lines can only queue.
                assertThat(sink.entered.await(10, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < 20; i++) {
                    assertThat(client.send("GET /n" + i + " HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                            .isEqualTo(404);
                }
            }
            Poll.until(Duration.ofSeconds(5), "16 lines dropped (4 queued)", () -> PrometheusText.parse(
                    registry.scrape()).valueOf("webserver_access_log_dropped_total") == 16);
            sink.release.countDown();
        } finally {
            sink.release.countDown();
            engine.stopAccepting();
            assertThat(engine.awaitDrained(Duration.ofSeconds(5))).isTrue();
            engine.close();
        }
        String written = sink.written.toString(StandardCharsets.US_ASCII);
        assertThat(written.lines()).hasSize(5);
        assertThat(written.lines().toList().getFirst()).contains("\"GET /first HTTP/1.1\" 404");
        assertThat(written.lines().toList().get(1)).contains("\"GET /n0 HTTP/1.1\" 404");
        assertThat(written.lines().toList().get(4)).contains("\"GET /n3 HTTP/1.1\" 404");
    }

    /** A sink whose first write blocks until released: a disk that stopped. */
    private static final class BlockedSink implements AccessLogSink {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        @Override
        public void write(byte[] lines, int length) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (written) {
                written.write(lines, 0, length);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

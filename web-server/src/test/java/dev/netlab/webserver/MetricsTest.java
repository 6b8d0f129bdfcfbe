package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.webserver.http.Methods;
import dev.netlab.webserver.http.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metric names of docs/architecture.md, their zeros at start, and exact counts after known traffic. */
class MetricsTest {

    @TempDir
    Path root;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(root.resolve("a.txt"), "hello");
        // A drain timeout of a minute: a stop well under it shows that no connection held the drain, even when loaded.
        server = TestServer.start(root, Map.of("lifecycle.drain-timeout", "60s"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyContractSeriesExistsAtZeroWithHelp() {
        PrometheusText.Scrape scrape = server.scrape();
        for (String method : Methods.LABELS) {
            for (Status status : Status.values()) {
                assertThat(scrape.valueOf("webserver_requests_total", "method", method, "status", status.codeText()))
                        .isZero();
            }
        }
        assertThat(scrape.valueOf("webserver_timeouts_total", "kind", "head")).isZero();
        assertThat(scrape.valueOf("webserver_timeouts_total", "kind", "idle")).isZero();
        assertThat(scrape.valueOf("webserver_timeouts_total", "kind", "send")).isZero();
        assertThat(scrape.valueOf("webserver_connections_refused_total")).isZero();
        assertThat(scrape.valueOf("webserver_connections_active")).isZero();
        assertThat(scrape.valueOf("webserver_response_bytes_total")).isZero();
        assertThat(scrape.valueOf("webserver_request_duration_seconds_count")).isZero();
        assertThat(scrape.samples("webserver_request_duration_seconds_bucket")).isNotEmpty();
        for (PrometheusText.Family family : scrape.families().values()) {
            if (family.name().startsWith("webserver")) {
                assertThat(family.help()).as(family.name()).isNotBlank();
            }
        }
        assertThat(scrape.families().values()).filteredOn(f -> f.name().startsWith("webserver"))
                .extracting(PrometheusText.Family::type)
                .contains("counter", "gauge", "histogram");
    }

    @Test
    void requestsAreCountedByMethodAndStatusWithTheirBytes() throws Exception {
        long received = 0;
        received += exchange("GET /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        received += exchange("GET /a.txt HTTP/1.0\r\n\r\n");
        received += exchange("HEAD /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        received += exchange("GET /missing HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        received += exchange("POST / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        received += exchange("BREW / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        received += exchange("GET / HTTP/1.1\r\n\r\n");
        received += exchange("get / HTTP/2.0\r\nHost: t\r\n\r\n");
        long total = received;
        Poll.until(Duration.ofSeconds(5), "eight requests recorded",
                () -> server.metric("webserver_request_duration_seconds_count") == 8);
        PrometheusText.Scrape scrape = server.scrape();
        assertThat(scrape.valueOf("webserver_requests_total", "method", "GET", "status", "200")).isEqualTo(2);
        assertThat(scrape.valueOf("webserver_requests_total", "method", "HEAD", "status", "200")).isEqualTo(1);
        assertThat(scrape.valueOf("webserver_requests_total", "method", "GET", "status", "404")).isEqualTo(1);
        assertThat(scrape.valueOf("webserver_requests_total", "method", "POST", "status", "405")).isEqualTo(1);
        assertThat(scrape.valueOf("webserver_requests_total", "method", "other", "status", "501")).isEqualTo(1);
        assertThat(scrape.valueOf("webserver_requests_total", "method", "GET", "status", "400")).isEqualTo(1);
        assertThat(scrape.valueOf("webserver_requests_total", "method", "other", "status", "505")).isEqualTo(1);
        assertThat(scrape.valueOf("webserver_response_bytes_total")).isEqualTo(total);
        assertThat(scrape.valueOf("webserver_request_duration_seconds_sum")).isPositive();
    }

    @Test
    void theActiveGaugeFollowsOpenConnections() throws Exception {
        try (RawHttp one = RawHttp.connect(server.port()); RawHttp two = RawHttp.connect(server.port())) {
            Poll.until(Duration.ofSeconds(5), "two open", () -> server.metric("webserver_connections_active") == 2);
            assertThat(one.socket().isConnected() && two.socket().isConnected()).isTrue();
        }
        Poll.until(Duration.ofSeconds(5), "none open", () -> server.metric("webserver_connections_active") == 0);
    }

    @Test
    void stoppingClosesIdleKeptAliveConnectionsAtOnce() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
            long start = System.nanoTime();
            server.close();
            // The drain timeout is a minute; an idle connection must not hold it.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void stoppingClosesAConnectionThatHasSentNothingYet() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            Poll.until(Duration.ofSeconds(5), "connection open", () -> server.metric("webserver_connections_active") == 1);
            long start = System.nanoTime();
            server.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(client.closedByServer()).isTrue();
        }
    }

    /** Sends a request on a fresh connection and reads everything until the server closes; the bytes read. */
    private long exchange(String request) throws IOException {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send(request);
            client.socket().shutdownOutput();
            byte[] all = client.socket().getInputStream().readAllBytes();
            assertThat(new String(all, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 ");
            return all.length;
        }
    }
}

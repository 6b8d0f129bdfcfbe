package dev.netlab.pingclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.lifecycle.RunningService;
import dev.netlab.kit.lifecycle.Service;
import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.pingclient.Main;
import dev.netlab.pingclient.probe.FaultyReflector;
import dev.netlab.pingclient.probe.FaultyReflector.Drop;
import dev.netlab.pingclient.probe.FaultyReflector.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service in-process: targets probed forever, the metrics of docs/architecture.md, {@code GET /api/targets}. */
class ProberServiceTest {

    private static final List<String> BUCKETS = List.of("5.0E-5", "1.0E-4", "2.0E-4", "5.0E-4", "0.001", "0.002",
            "0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1.0", "2.0", "5.0", "+Inf");
    private static final List<String> COUNTERS = List.of("pingclient_packets_sent_total",
            "pingclient_packets_received_total", "pingclient_packets_lost_total", "pingclient_packets_late_total",
            "pingclient_packets_duplicate_total", "pingclient_packets_reordered_total");

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private RunningService running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private Settings settings(String targetsYaml) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "pingclient:\n  resolve-interval: 50ms\n  targets:\n" + targetsYaml);
        return ConfigLoader.load(Optional.of(file), Map.of(), Map.of("admin.port", "0"));
    }

    private String get(String path) throws Exception {
        int port = running.endpoint("admin").port();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private PrometheusText.Scrape scrape() throws Exception {
        return PrometheusText.parse(get("/metrics"));
    }

    @Test
    void everySeriesExistsFromTheStartForEveryConfiguredTarget() throws Exception {
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> List.of(new Drop()))) {
            running = RunningService.start(new Main(), settings("""
                        - host: 127.0.0.1
                          port: %d
                          mode: echo
                          interval: 10s
                          timeout: 10s
                          name: quiet
                          labels: {zone: a}
                        - host: 127.0.0.1
                          port: %d
                          mode: stamp
                          interval: 10s
                          name: plain
                    """.formatted(reflector.address().getPort(), reflector.address().getPort())), Clock.systemUTC());
            assertThat(running.startLine()).matches("ping-client started in \\d+ ms: admin=tcp/127\\.0\\.0\\.1:\\d+");
            PrometheusText.Scrape scrape = scrape();
            String address = "127.0.0.1:" + reflector.address().getPort();
            String[] labels = {"target", "quiet", "address", address, "zone", "a"};
            for (String counter : COUNTERS) {
                assertThat(scrape.value(counter, labels)).as(counter).isPresent();
                assertThat(Stream.of(counter, counter.replace("_total", ""))
                        .map(scrape.families()::get).filter(java.util.Objects::nonNull).findFirst())
                        .hasValueSatisfying(f -> assertThat(f.help()).isNotBlank());
            }
            for (String counter : COUNTERS.subList(1, COUNTERS.size())) {
                assertThat(scrape.valueOf(counter, labels)).as(counter).isZero();
            }
            for (String kind : List.of("unreachable", "malformed", "foreign")) {
                assertThat(scrape.valueOf("pingclient_errors_total", "target", "quiet", "address", address,
                        "kind", kind)).isZero();
            }
            assertThat(scrape.valueOf("pingclient_errors_total", "target", "quiet", "address", "unresolved",
                    "kind", "resolve")).isZero();
            assertThat(scrape.valueOf("pingclient_jitter_seconds", labels)).isZero();
            assertThat(scrape.families().get("pingclient_rtt_seconds").type()).isEqualTo("histogram");
            assertThat(scrape.samples("pingclient_rtt_seconds_bucket").stream()
                    .filter(s -> s.labels().get("target").equals("quiet")).map(s -> s.labels().get("le")))
                    .containsExactlyElementsOf(BUCKETS);
            assertThat(scrape.valueOf("pingclient_rtt_seconds_count", labels)).isZero();
            // A target without the label carries it empty: one label set per metric name.
            assertThat(scrape.samples("pingclient_packets_lost_total").stream()
                    .filter(s -> s.labels().get("target").equals("plain")).map(s -> s.labels().get("zone")))
                    .containsExactly("");
        }
    }

    @Test
    void probesAreCountedInMetricsAndTheApi() throws Exception {
        // Every 4th probe dropped, every 5th answered after its timeout (150 ms > 100 ms): lost, then late.
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> n % 4 == 0 ? List.of(new Drop())
                : n % 5 == 0 ? List.of(new FaultyReflector.Delay(Duration.ofMillis(150))) : List.of())) {
            running = RunningService.start(new Main(), settings("""
                        - host: 127.0.0.1
                          port: %d
                          mode: echo
                          interval: 20ms
                          timeout: 100ms
                    """.formatted(reflector.address().getPort())), Clock.systemUTC());
            String target = "127.0.0.1:" + reflector.address().getPort();
            String[] labels = {"target", target, "address", target};
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                PrometheusText.Scrape scrape = scrape();
                assertThat(scrape.valueOf("pingclient_packets_lost_total", labels)).isGreaterThanOrEqualTo(2);
                assertThat(scrape.valueOf("pingclient_packets_received_total", labels)).isGreaterThanOrEqualTo(6);
                assertThat(scrape.valueOf("pingclient_packets_late_total", labels)).isGreaterThanOrEqualTo(2);
            });
            JsonNode api = new ObjectMapper().readTree(get("/api/targets")).get("targets");
            assertThat(api).hasSize(1);
            JsonNode entry = api.get(0);
            assertThat(entry.get("target").asText()).isEqualTo(target);
            assertThat(entry.get("address").asText()).isEqualTo(target);
            assertThat(entry.get("transmitted").asLong()).isPositive();
            assertThat(entry.get("received").asLong()).isPositive();
            assertThat(entry.get("loss_percent").asDouble()).isBetween(10.0, 50.0);
            for (String field : List.of("min", "avg", "max", "mdev", "p50", "p90", "p99")) {
                assertThat(entry.get("rtt_ms").get(field).isNumber()).as(field).isTrue();
            }
            assertThat(entry.has("late")).isTrue();
            assertThat(entry.has("duplicates")).isTrue();
            assertThat(entry.has("jitter_ms")).isTrue();
            assertThat(entry.has("last_error")).isTrue();
            // Stop probing first: a reply landing between two meters of one scrape would make them disagree.
            running.close();
            PrometheusText.Scrape scrape = PrometheusText.parse(running.scrape());
            double sent = scrape.valueOf("pingclient_packets_sent_total", labels);
            double received = scrape.valueOf("pingclient_packets_received_total", labels);
            double lost = scrape.valueOf("pingclient_packets_lost_total", labels);
            // Each probe is received or lost, once; a late reply moved nothing back. What is left was still in
            // flight when the service stopped (at most timeout / interval + 1 probes).
            assertThat(received + lost).isLessThanOrEqualTo(sent);
            assertThat(sent - received - lost).isLessThanOrEqualTo(8);
            assertThat(lost).isGreaterThanOrEqualTo(scrape.valueOf("pingclient_packets_late_total", labels));
            double count = scrape.valueOf("pingclient_rtt_seconds_count", labels);
            assertThat(count).isEqualTo(scrape.valueOf("pingclient_packets_received_total", labels));
            assertThat(scrape.valueOf("pingclient_rtt_seconds_bucket", "target", target, "le", "+Inf"))
                    .isEqualTo(count);
        }
    }

    @Test
    void lossCoversOnlyProbesWhoseTimeoutHasPassed() throws Exception {
        // Every other probe answered, the rest dropped; a timeout of 10 min: nothing is decided lost yet.
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> n % 2 == 0 ? List.of(new Drop()) : List.of())) {
            running = RunningService.start(new Main(), settings("""
                        - host: 127.0.0.1
                          port: %d
                          mode: echo
                          interval: 20ms
                          timeout: 10m
                          name: waiting
                    """.formatted(reflector.address().getPort())), Clock.systemUTC());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(new ObjectMapper()
                    .readTree(get("/api/targets")).get("targets").get(0).get("received").asLong())
                    .isGreaterThanOrEqualTo(5));
            JsonNode entry = new ObjectMapper().readTree(get("/api/targets")).get("targets").get(0);
            assertThat(entry.get("loss_percent").asDouble()).as(entry.toString()).isZero();
            assertThat(scrape().valueOf("pingclient_packets_lost_total", "target", "waiting")).isZero();
        }
    }

    @Test
    void aNameWithSeveralAddressesIsOneStreamPerAddressAndFollowsResolution() throws Exception {
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2");
        AtomicReference<InetAddress[]> answer = new AtomicReference<>(new InetAddress[] {one, two});
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            Service service = service(host -> {
                if (!host.equals("nodes.test")) {
                    throw new java.net.UnknownHostException(host);
                }
                return answer.get();
            });
            running = RunningService.start(service, settings("""
                        - host: nodes.test
                          port: %d
                          mode: echo
                          interval: 20ms
                          timeout: 100ms
                          name: nodes
                    """.formatted(reflector.address().getPort())), Clock.systemUTC());
            String a1 = "127.0.0.1:" + reflector.address().getPort();
            String a2 = "127.0.0.2:" + reflector.address().getPort();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                PrometheusText.Scrape scrape = scrape();
                assertThat(scrape.valueOf("pingclient_packets_received_total", "target", "nodes", "address", a1))
                        .isPositive();
                // Nothing listens on 127.0.0.2's port: probed all the same, counted apart.
                assertThat(scrape.valueOf("pingclient_packets_sent_total", "target", "nodes", "address", a2))
                        .isPositive();
            });
            assertThat(probeThreads("probe-nodes-")).as("one virtual thread per resolved address")
                    .containsExactlyInAnyOrder("probe-nodes-" + a1 + " virtual", "probe-nodes-" + a2 + " virtual");
            answer.set(new InetAddress[] {one});
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    scrape().value("pingclient_packets_sent_total", "target", "nodes", "address", a2)).isEmpty());
            JsonNode api = new ObjectMapper().readTree(get("/api/targets")).get("targets");
            assertThat(api).hasSize(1);
            assertThat(api.get(0).get("address").asText()).isEqualTo(a1);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(probeThreads("probe-nodes-"))
                    .containsExactly("probe-nodes-" + a1 + " virtual"));
        }
    }

    @Test
    void aNameThatDoesNotResolveIsCountedRetriedAndHarmless() throws Exception {
        AtomicReference<InetAddress[]> answer = new AtomicReference<>();
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            Service service = service(host -> {
                InetAddress[] addresses = answer.get();
                if (addresses == null) {
                    throw new java.net.UnknownHostException(host);
                }
                return addresses;
            });
            running = RunningService.start(service, settings("""
                        - host: late.test
                          port: %d
                          mode: echo
                          interval: 20ms
                          name: late
                    """.formatted(reflector.address().getPort())), Clock.systemUTC());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scrape().valueOf(
                    "pingclient_errors_total", "target", "late", "kind", "resolve")).isGreaterThanOrEqualTo(1));
            JsonNode api = new ObjectMapper().readTree(get("/api/targets")).get("targets");
            assertThat(api.get(0).get("last_error").asText()).contains("late.test does not resolve");
            assertThat(running.isReady()).isTrue();
            answer.set(new InetAddress[] {InetAddress.getByName("127.0.0.1")});
            String address = "127.0.0.1:" + reflector.address().getPort();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scrape().valueOf(
                    "pingclient_packets_received_total", "target", "late", "address", address)).isPositive());
        }
    }

    private List<String> probeThreads(String prefix) throws Exception {
        return ThreadCensus.threads(prefix);
    }

    private static Service service(Resolver resolver) {
        return new Main(resolver);
    }
}

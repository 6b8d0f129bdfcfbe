package dev.netlab.pingclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.lifecycle.RunningService;
import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.pingclient.Main;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets added and removed while the service runs, through the resolver (1,000 addresses on loopback: all of
 * 127/8 is local on Linux) and through a re-read configuration file: series of removed addresses disappear, new ones
 * start at zero, and no thread or socket is left behind.
 */
class TargetChurnTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String SENT = "pingclient_packets_sent_total";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private RunningService running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        // Closed here, not left to the collector: its selector's descriptors would close during the next test and
        // move that test's descriptor count.
        http.close();
    }

    private Path write(String targetsYaml) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "pingclient:\n  resolve-interval: 50ms\n  max-addresses-per-target: 1000\n"
                + "  targets:\n" + targetsYaml);
        return file;
    }

    private Settings load(Path file) {
        return ConfigLoader.load(Optional.of(file), Map.of(), Map.of("admin.port", "0"));
    }

    private PrometheusText.Scrape scrape() throws Exception {
        int port = running.endpoint("admin").port();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return PrometheusText.parse(response.body());
    }

    /** The {@code address} labels of {@code target}'s sent counters. */
    private Set<String> addresses(PrometheusText.Scrape scrape, String target) {
        return scrape.samples(SENT).stream().filter(s -> target.equals(s.labels().get("target")))
                .map(s -> s.labels().get("address")).collect(Collectors.toSet());
    }

    /** 1,000 loopback addresses 127.{second}.x.y. */
    private static InetAddress[] thousand(int second) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            addresses.add(InetAddress.getByAddress(new byte[] {127, (byte) second, (byte) (i / 250), (byte) (1 + i % 250)}));
        }
        return addresses.toArray(InetAddress[]::new);
    }

    private static Set<String> labels(InetAddress[] addresses, int port) {
        return java.util.Arrays.stream(addresses).map(a -> a.getHostAddress() + ":" + port).collect(Collectors.toSet());
    }

    @Test
    void churningAThousandAddressesLeavesNoSeriesThreadOrSocketBehind() throws Exception {
        int port = 9;   // discard: nothing listens on loopback, so every probe meets an ICMP port unreachable
        InetAddress first = InetAddress.getByName("127.1.0.1");
        AtomicReference<InetAddress[]> answer = new AtomicReference<>(new InetAddress[] {first});
        running = RunningService.start(new Main(host -> answer.get()), load(write("""
                    - host: mesh.test
                      port: %d
                      mode: echo
                      interval: 1s
                      timeout: 1s
                      name: mesh
                """.formatted(port))), Clock.systemUTC());
        String firstLabel = first.getHostAddress() + ":" + port;
        await().atMost(WAIT).untilAsserted(() -> assertThat(scrape().valueOf(SENT, "target", "mesh", "address", firstLabel))
                .isGreaterThanOrEqualTo(3));
        long descriptorsBefore = ThreadCensus.openDescriptors();
        int platformBefore = ThreadCensus.platformThreads();
        assertThat(ThreadCensus.threads("probe-mesh-")).hasSize(1);

        InetAddress[] one = thousand(1);
        answer.set(one);
        await().atMost(WAIT).untilAsserted(() -> assertThat(addresses(scrape(), "mesh")).isEqualTo(labels(one, port)));
        // A stream's series is listed as soon as it exists; its sockets open moments later on its own thread. They
        // are counted by what they are, not against the process's descriptors (an earlier test's may still close).
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(ThreadCensus.threads("probe-mesh-")).hasSize(1_000);
            assertThat(streamSockets(port)).as("two sockets per stream: connected, and the foreign one on its port")
                    .containsExactly(1_000, 1_000);
        });

        // 127.1.0.1 is one of them and kept its stream: its count went on.
        double firstBeforeRemoval = scrape().valueOf(SENT, "target", "mesh", "address", firstLabel);
        InetAddress[] two = thousand(2);
        answer.set(two);
        await().atMost(WAIT).untilAsserted(() -> assertThat(addresses(scrape(), "mesh")).isEqualTo(labels(two, port)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(ThreadCensus.threads("probe-mesh-"))
                .hasSize(1_000).allMatch(name -> name.startsWith("probe-mesh-127.2.")));

        // Back to the first address alone: its series starts again at zero (one immediate send, not its old count).
        answer.set(new InetAddress[] {first});
        await().atMost(WAIT).untilAsserted(() -> assertThat(addresses(scrape(), "mesh")).containsExactly(firstLabel));
        assertThat(scrape().valueOf(SENT, "target", "mesh", "address", firstLabel)).isLessThan(firstBeforeRemoval);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(ThreadCensus.threads("probe-mesh-")).containsExactly("probe-mesh-" + firstLabel + " virtual");
            assertThat(ThreadCensus.openDescriptors()).as("descriptors").isLessThanOrEqualTo(descriptorsBefore + 8);
            assertThat(ThreadCensus.platformThreads()).as("platform threads").isLessThanOrEqualTo(platformBefore + 4);
        });
    }

    @Test
    void theServiceStartsOnceEveryStreamsSocketsAreOpen() throws Exception {
        // Launched faster than the carrier could open their sockets, 5,000 streams queued seconds of start-up work
        // ahead of the replies already arriving, which came in after their timeout: up to 2,040 probes counted lost.
        StringBuilder targets = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            targets.append("    - {host: 127.0.0.1, port: 9, mode: echo, interval: 1h, name: t").append(i)
                    .append("}\n");
        }
        Path file = write(targets.toString());
        running = RunningService.start(new Main(), load(file), Clock.systemUTC());
        assertThat(ThreadCensus.udpSocketsConnectedTo(9)).as("streams whose connected socket is open once started")
                .isEqualTo(500);
    }

    @Test
    void aReloadedConfigurationStartsNewTargetsAtZeroAndRemovesTheSeriesOfOldOnes() throws Exception {
        String kept = """
                    - {host: 127.0.0.1, port: 9, mode: echo, interval: 50ms, name: kept}
                """;
        Path file = write(kept + """
                    - {host: 127.0.0.2, port: 9, mode: echo, interval: 50ms, name: leaving}
                """);
        Main main = new Main(Resolver.system(), () -> load(file));
        running = RunningService.start(main, load(file), Clock.systemUTC());
        // Twenty probes (a second at 50 ms) before the reload: a restarted count stays below that for a second.
        await().atMost(WAIT).untilAsserted(() -> assertThat(scrape().valueOf(SENT, "target", "kept"))
                .isGreaterThanOrEqualTo(20));
        long descriptorsBefore = ThreadCensus.openDescriptors();

        // The new target probes once an hour: its count is exactly its first probe, however slow the machine.
        write(kept + """
                    - {host: 127.0.0.3, port: 9, mode: echo, interval: 1h, name: arriving, labels: {zone: b}}
                """);
        main.reload();
        PrometheusText.Scrape scrape = scrape();
        assertThat(scrape.samples(SENT).stream().map(s -> s.labels().get("target")))
                .containsExactlyInAnyOrder("kept", "arriving");
        assertThat(scrape.value("pingclient_errors_total", "target", "leaving", "kind", "resolve")).isEmpty();
        // A new label name restarts every target (one label set per metric name): all of them from zero.
        assertThat(scrape.valueOf(SENT, "target", "arriving", "zone", "b")).isLessThanOrEqualTo(1);
        assertThat(scrape.valueOf(SENT, "target", "kept", "zone", "")).isLessThan(20);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(ThreadCensus.threads("probe-")).hasSize(2);
            assertThat(ThreadCensus.openDescriptors()).isLessThanOrEqualTo(descriptorsBefore + 8);
        });

        // An unchanged target keeps its stream and counts; a bad file changes nothing.
        double keptSent = scrape().valueOf(SENT, "target", "kept");
        Files.writeString(file, "pingclient:\n  targets:\n    - {host: 127.0.0.1, mode: icmp}\n");
        main.reload();
        assertThat(scrape().samples(SENT)).hasSize(2);
        write(kept + """
                    - {host: 127.0.0.3, port: 9, mode: echo, interval: 1h, name: arriving, labels: {zone: b}}
                """);
        main.reload();
        assertThat(scrape().valueOf(SENT, "target", "kept")).isGreaterThanOrEqualTo(keptSent);
    }

    /**
     * The sockets of the streams to 127.1.x.y:{@code port}: how many are connected, and how many unconnected sockets
     * share one of their local ports (each stream's foreign socket).
     */
    private static long[] streamSockets(int port) throws IOException {
        List<ThreadCensus.UdpSocket> sockets = ThreadCensus.udpSockets();
        // IPv4 addresses print in the kernel's byte order: 127.1.x.y as "YYXX017F".
        List<ThreadCensus.UdpSocket> connected = sockets.stream()
                .filter(socket -> socket.connectedToPort(port) && socket.remote().startsWith("017F", 4)).toList();
        Set<Integer> ports = connected.stream().map(ThreadCensus.UdpSocket::localPort).collect(Collectors.toSet());
        long foreign = sockets.stream().filter(socket -> socket.unconnected() && ports.contains(socket.localPort()))
                .count();
        return new long[] {connected.size(), foreign};
    }
}

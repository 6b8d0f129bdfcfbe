package dev.netlab.pingclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.pingclient.probe.FaultyReflector;
import dev.netlab.pingclient.probe.FaultyReflector.Kind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar as a process: the {@code ping} command and the service. */
class PingClientIT {

    private static final Path JAR = Path.of("target/ping-client.jar");
    /** How long a JVM may take to start or exit: at load 28 on this 2-core machine a start took over 30 s. */
    private static final Duration PROCESS = Duration.ofSeconds(120);
    /** How long a probe waits for its reply: generous, as these tests count replies, not their speed. */
    private static final String REPLY_WAIT = "5";

    @TempDir
    Path dir;

    @Test
    void thePingCommandRunsFromTheJar() throws Exception {
        try (var reflector = FaultyReflector.clean(Kind.STAMP_STATELESS);
             var ping = ServiceProcess.startJar(JAR, List.of("ping", "127.0.0.1:" + reflector.address().getPort(),
                     "--mode", "stamp", "-c", "3", "-i", "0.05", "-W", REPLY_WAIT), Map.of())) {
            assertThat(ping.awaitExit(PROCESS)).isZero();
            assertThat(ping.stdout()).containsPattern("44 bytes from 127\\.0\\.0\\.1:\\d+: seq=1 time=\\d+\\.\\d{3} ms fwd=")
                    .contains("3 packets transmitted, 3 received, 0% packet loss")
                    .contains("one-way (clock-dependent) forward min/avg/max")
                    .contains("stateless reflector");
        }
    }

    @Test
    void aSignalEndsTheRunWithTheSummaryAndPingsExitCode() throws Exception {
        try (var reflector = FaultyReflector.clean(Kind.ECHO);
             var ping = ServiceProcess.startJar(JAR, List.of("ping", "127.0.0.1:" + reflector.address().getPort(),
                     "--mode", "echo", "-c", "10000", "-i", "0.02"), Map.of())) {
            await().atMost(PROCESS).until(() -> ping.stdout().contains("seq=3 "));
            // SIGTERM through the process handle: Process.destroy() (what terminate() uses) also closes our end of
            // the child's stdout, which would lose the summary printed after the signal.
            assertThat(ping.process().toHandle().destroy()).isTrue();
            assertThat(ping.awaitExit(PROCESS)).isZero();
            // The output pump may still be reading what the process wrote before it exited.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ping.stdout()).as(ping.stderr())
                    .contains("ping statistics ---").containsPattern("\\d+ packets transmitted, \\d+ received"));
        }
    }

    @Test
    void aPingWithoutAnyReplyExitsOne() throws Exception {
        try (var reflector = FaultyReflector.start(Kind.LAB, n -> List.of(new FaultyReflector.Drop()));
             var ping = ServiceProcess.startJar(JAR, List.of("ping", "127.0.0.1:" + reflector.address().getPort(),
                     "-c", "2", "-i", "0.05", "-W", "0.1"), Map.of())) {
            assertThat(ping.awaitExit(PROCESS)).isEqualTo(1);
            assertThat(ping.stdout()).contains("Request timed out for sequence number: 1")
                    .contains("2 packets transmitted, 0 received, 100% packet loss");
        }
    }

    @Test
    void theServiceProbesItsTargetsExportsMetricsAndStopsCleanly() throws Exception {
        try (var reflector = FaultyReflector.clean(Kind.LAB);
             var stampReflector = FaultyReflector.clean(Kind.STAMP_STATEFUL)) {
            int port = reflector.address().getPort();
            String stampTarget = "127.0.0.1:" + stampReflector.address().getPort();
            // The default targets (lab and STAMP), pointed at the test's reflectors through the environment by list
            // index: never at the contract's ports, where a running stack may listen.
            try (var service = ServiceProcess.startJar(JAR, List.of("--bind", "127.0.0.1"), Map.of(
                    "ADMIN_PORT", "0", "PINGCLIENT_TARGETS_0_PORT", Integer.toString(port),
                    "PINGCLIENT_TARGETS_1_PORT", Integer.toString(stampReflector.address().getPort()),
                    "PINGCLIENT_DEFAULTS_INTERVAL", "50ms"))) {
                Map<String, Integer> ports = service.ports(PROCESS);
                assertThat(service.awaitStartLine(Duration.ZERO))
                        .matches("ping-client started in \\d+ ms: admin=tcp/127\\.0\\.0\\.1:\\d+");
                String target = "127.0.0.1:" + port;
                HttpClient http = HttpClient.newHttpClient();
                URI metrics = URI.create("http://127.0.0.1:" + ports.get("admin") + "/metrics");
                await().atMost(PROCESS).untilAsserted(() -> {
                    String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    PrometheusText.Scrape scrape = PrometheusText.parse(text);
                    assertThat(scrape.valueOf("pingclient_packets_received_total", "target", target, "address", target))
                            .isGreaterThanOrEqualTo(3);
                    // The second default target, STAMP, probes its reflector too.
                    assertThat(scrape.valueOf("pingclient_packets_received_total", "target", stampTarget,
                            "address", stampTarget)).isGreaterThanOrEqualTo(3);
                });
                assertThat(service.terminate(PROCESS)).isZero();
            }
        }
    }

    @Test
    void sighupReReadsTheConfigFile() throws Exception {
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            int port = reflector.address().getPort();
            Path config = dir.resolve("targets.yaml");
            String yaml = "pingclient:\n  targets:\n    - {host: 127.0.0.1, port: %d, mode: echo, interval: 50ms, name: %s}\n";
            Files.writeString(config, yaml.formatted(port, "before"));
            // With SIGHUP as the operating system leaves it, whether or not this test runs under nohup.
            try (var service = ServiceProcess.start(List.of("env", "--default-signal=HUP", ServiceProcess.javaBinary(),
                    "-jar", JAR.toString(), "--config", config.toString()), Map.of("ADMIN_PORT", "0"), null)) {
                URI metrics = URI.create("http://127.0.0.1:" + service.ports(PROCESS).get("admin") + "/metrics");
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(PROCESS).untilAsserted(() -> assertThat(scrape(http, metrics)
                        .value("pingclient_packets_received_total", "target", "before")).isPresent());
                Files.writeString(config, yaml.formatted(port, "after"));
                Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(service.process().pid())).start();
                assertThat(kill.waitFor()).isZero();
                await().atMost(PROCESS).untilAsserted(() -> {
                    PrometheusText.Scrape scrape = scrape(http, metrics);
                    assertThat(scrape.value("pingclient_packets_sent_total", "target", "before")).isEmpty();
                    assertThat(scrape.valueOf("pingclient_packets_received_total", "target", "after")).isPositive();
                });
                assertThat(service.process().isAlive()).isTrue();
                assertThat(service.terminate(PROCESS)).isZero();
            }
        }
    }

    /** Under nohup the JVM leaves SIGHUP ignored and installs no handler: the service says so at start. */
    @Test
    void aSighupIgnoredFromTheStartIsReported() throws Exception {
        try (var service = ServiceProcess.start(List.of("env", "--ignore-signal=HUP", ServiceProcess.javaBinary(),
                "-jar", JAR.toString()), Map.of("ADMIN_PORT", "0"), null)) {
            service.ports(PROCESS);
            await().atMost(PROCESS).untilAsserted(() -> assertThat(service.stderr())
                    .contains("SIGHUP is ignored by this process (started under nohup?)"));
            assertThat(service.terminate(PROCESS)).isZero();
        }
    }

    @Test
    void aScheduleThatCannotFitItsProbeMemoryExitsTwo() throws Exception {
        Path config = dir.resolve("sink.yaml");
        Files.writeString(config, "pingclient:\n  targets:\n    - {host: 127.0.0.1, interval: 1ms, timeout: 86400s}\n");
        try (var service = ServiceProcess.startJar(JAR, List.of("--config", config.toString()),
                Map.of("ADMIN_PORT", "0"))) {
            assertThat(service.awaitExit(PROCESS)).isEqualTo(2);
            assertThat(service.stderr().strip().lines().toList()).hasSize(1).first().asString()
                    .startsWith("ping-client: ").contains("pingclient.max-outstanding-probes");
        }
    }

    private static PrometheusText.Scrape scrape(HttpClient http, URI metrics) throws Exception {
        return PrometheusText.parse(http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void anInvalidTargetExitsTwoWithOneLine() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "pingclient:\n  targets:\n    - host: 127.0.0.1\n      mode: icmp\n");
        try (var service = ServiceProcess.startJar(JAR, List.of("--config", config.toString()),
                Map.of("ADMIN_PORT", "0"))) {
            assertThat(service.awaitExit(PROCESS)).isEqualTo(2);
            assertThat(service.stderr().strip().lines().toList()).hasSize(1).first().asString()
                    .startsWith("ping-client: ").contains("pingclient.targets.0.mode").contains("icmp");
        }
    }
}

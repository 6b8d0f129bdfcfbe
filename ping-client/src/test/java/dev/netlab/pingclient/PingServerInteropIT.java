package dev.netlab.pingclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.kit.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our prober against our reflector, the real ping-server jar, in every mode: what the client measures must agree
 * with what the server counted: every drop on the server is a loss at the client, and in STAMP a rate-limited
 * packet (dropped before the stateful reflector numbers it) is a forward loss, a simulated one a reverse loss.
 */
class PingServerInteropIT {

    private static final Path PING_SERVER = Path.of("../ping-server/target/ping-server.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a JVM may take to start or exit: at load 28 on this 2-core machine a start took over 30 s. */
    private static final Duration PROCESS = Duration.ofSeconds(120);
    /** How long a probe waits for its reply: generous, as these tests count replies, not their speed. */
    private static final String REPLY_WAIT = "5";
    private static ServiceProcess server;
    private static Map<String, Integer> ports;

    @BeforeAll
    static void startThePingServer() throws Exception {
        assertThat(PING_SERVER).as("the ping-server jar is packaged before these tests run").exists();
        server = ServiceProcess.startJar(PING_SERVER.toAbsolutePath(), java.util.List.of(), Map.of(
                "ADMIN_PORT", "0",
                "PINGSERVER_LISTENERS_LAB_PORT", "0",
                "PINGSERVER_LISTENERS_LAB_SEED", "11",
                "PINGSERVER_LISTENERS_ECHO_PORT", "0",
                "PINGSERVER_LISTENERS_STAMP_PORT", "0",
                // STAMP loses packets both ways: the rate limit drops before the reflector numbers a packet
                // (forward loss), the simulated loss drops the reply after (reverse loss).
                "PINGSERVER_LISTENERS_STAMP_LOSS", "1/4",
                "PINGSERVER_LISTENERS_STAMP_SEED", "5",
                "PINGSERVER_LISTENERS_STAMP_RATE_dash_LIMIT", "25",
                "PINGSERVER_LISTENERS_STAMP_RATE_dash_LIMIT_dash_BURST", "5"));
        ports = server.ports(PROCESS);
    }

    @AfterAll
    static void stopThePingServer() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode ping(String mode, int count) throws Exception {
        CommandRunner.Result result = CommandRunner.run("ping", "127.0.0.1:" + ports.get(mode), "--mode", mode,
                "-c", Integer.toString(count), "-i", "0.02", "-W", REPLY_WAIT, "--format", "json");
        assertThat(result.err()).isEmpty();
        return JSON.readTree(result.out());
    }

    private static double dropped(String mode) throws Exception {
        return dropped(mode, "simulated");
    }

    private static double dropped(String mode, String reason) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("admin") + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return PrometheusText.parse(metrics.body())
                .valueOf("pingserver_packets_dropped_total", "mode", mode, "reason", reason);
    }

    @Test
    void echoAnswersEveryProbeInTime() throws Exception {
        JsonNode run = ping("echo", 20);

        assertThat(run.get("transmitted").asInt()).isEqualTo(20);
        assertThat(run.get("received").asInt()).isEqualTo(20);
        assertThat(run.get("late").asInt()).isZero();
        assertThat(run.get("duplicates").asInt()).isZero();
        assertThat(run.get("rtt_ms").get("min").asDouble()).isPositive();
    }

    @Test
    void theLabLossTheClientMeasuresIsExactlyTheServersSimulatedDrops() throws Exception {
        double before = dropped("lab");
        JsonNode run = ping("lab", 44);
        double drops = dropped("lab") - before;

        int lost = run.get("transmitted").asInt() - run.get("received").asInt();
        assertThat(run.get("late").asInt()).isZero();
        assertThat(lost).as("4 in 11 of 44 probes, give or take the seed's luck").isBetween(5, 30);
        assertThat((double) lost).isEqualTo(drops);
    }

    @Test
    void stampTellsForwardLossFromReverseLossWithOurStatefulReflector() throws Exception {
        double simulatedBefore = dropped("stamp", "simulated");
        double limitedBefore = dropped("stamp", "rate_limited");
        JsonNode run = ping("stamp", 40);
        double reverseDrops = dropped("stamp", "simulated") - simulatedBefore;
        double forwardDrops = dropped("stamp", "rate_limited") - limitedBefore;

        int lost = run.get("transmitted").asInt() - run.get("received").asInt();
        assertThat((double) lost).isEqualTo(reverseDrops + forwardDrops);
        assertThat(forwardDrops).isPositive();
        assertThat(reverseDrops).isPositive();
        JsonNode stamp = run.get("stamp");
        assertThat(stamp.get("reflector").asText()).isEqualTo("stateful");
        // Only losses between the first and the last reply can be placed, so each is at most what the server saw.
        assertThat(stamp.get("forward_lost").asDouble()).isPositive().isLessThanOrEqualTo(forwardDrops);
        assertThat(stamp.get("reverse_lost").asDouble()).isPositive().isLessThanOrEqualTo(reverseDrops);
        assertThat(stamp.get("forward_ms").get("min").asDouble()).isNotNaN();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lab", "echo", "stamp"})
    void theServiceProbesEveryModeAndExportsItsCounters(String mode) throws Exception {
        Path config = Files.createTempFile("ping-client", ".yaml");
        Files.writeString(config, """
                pingclient:
                  targets:
                    - host: 127.0.0.1
                      port: %d
                      mode: %s
                      interval: 20ms
                      timeout: 500ms
                """.formatted(ports.get(mode), mode));
        try (ServiceProcess client = ServiceProcess.startJar(Path.of("target/ping-client.jar").toAbsolutePath(),
                java.util.List.of("--config", config.toString()), Map.of("ADMIN_PORT", "0"))) {
            int admin = client.ports(PROCESS).get("admin");
            URI metrics = URI.create("http://127.0.0.1:" + admin + "/metrics");
            String target = "127.0.0.1:" + ports.get(mode);
            long deadline = System.nanoTime() + PROCESS.toNanos();
            double received = 0;
            while (received < 10 && System.nanoTime() < deadline) {
                String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                received = PrometheusText.parse(body).valueOf("pingclient_packets_received_total", "target", target);
            }
            assertThat(received).as("replies from the ping-server's %s listener", mode).isGreaterThanOrEqualTo(10);
        } finally {
            Files.deleteIfExists(config);
        }
    }
}

package dev.netlab.kit.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.DemoService;
import dev.netlab.kit.metrics.MetricTags;
import dev.netlab.kit.testing.ServiceProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start line and exit codes of docs/architecture.md, observed on a real process. */
class ServiceProcessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static ServiceProcess demo(List<String> args, Map<String, String> env) throws IOException {
        return ServiceProcess.startClass(DemoService.class, args, env);
    }

    private static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void sigtermStopsAcceptingDrainsWorkInFlightAndExitsZero() throws Exception {
        try (ServiceProcess service = demo(List.of(), Map.of())) {
            Map<String, Integer> ports = service.ports(WAIT);
            assertThat(service.awaitStartLine(WAIT)).startsWith("demo started in ");
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + ports.get("admin") + "/health/ready");
            assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);

            try (Socket inFlight = new Socket(InetAddress.getLoopbackAddress(), ports.get("demo"))) {
                inFlight.setSoTimeout(10_000);
                var in = new BufferedReader(new InputStreamReader(inFlight.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("hello");

                service.sigterm();

                // While draining: not ready, and the protocol port no longer accepts.
                long deadline = System.nanoTime() + WAIT.toNanos();
                int status = 200;
                while (status == 200 && System.nanoTime() < deadline) {
                    status = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                }
                assertThat(status).isEqualTo(503);
                // Readiness turns 503 just before the listener closes (so a balancer stops sending first): poll.
                boolean refused = false;
                while (!refused && System.nanoTime() < deadline) {
                    refused = refusesConnections(ports.get("demo"));
                }
                assertThat(refused).as("the protocol port refuses connections while draining").isTrue();
                assertThat(service.process().isAlive()).as("still draining the connection in flight").isTrue();

                inFlight.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("done bye");
            }
            assertThat(service.awaitExit(WAIT)).isZero();
            assertThat(lines(service.stdout())).hasSize(1);
        }
    }

    private static boolean refusesConnections(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void aDrainThatOutlastsItsTimeoutStillExitsZero() throws Exception {
        try (ServiceProcess service = demo(List.of(), Map.of("LIFECYCLE_DRAIN_dash_TIMEOUT", "200ms"))) {
            Map<String, Integer> ports = service.ports(WAIT);
            try (Socket stuck = new Socket(InetAddress.getLoopbackAddress(), ports.get("demo"))) {
                stuck.setSoTimeout(10_000);
                assertThat(stuck.getInputStream().read()).isEqualTo('h');
                assertThat(service.terminate(WAIT)).isZero();
            }
            assertThat(service.stderr()).contains("work still in flight after the drain timeout of 200 ms");
        }
    }

    @Test
    void aTakenPortExitsOneWithOneLineNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServiceProcess service = demo(List.of("--port", String.valueOf(taken.getLocalPort())), Map.of())) {
            assertThat(service.awaitExit(WAIT)).isEqualTo(1);
            assertThat(lines(service.stderr())).singleElement().asString()
                    .startsWith("demo: cannot bind demo=tcp/127.0.0.1:" + taken.getLocalPort() + ": ");
            assertThat(service.stdout()).isEmpty();
        }
    }

    /** Runs the demo, which must exit 2 with {@code line} as all of its standard error and nothing on standard output. */
    private static void assertRefused(List<String> args, Map<String, String> env, String line) throws Exception {
        try (ServiceProcess service = demo(args, env)) {
            assertThat(service.awaitExit(WAIT)).isEqualTo(2);
            assertThat(lines(service.stderr())).containsExactly(line);
            assertThat(service.stdout()).isEmpty();
        }
    }

    private Path config(String name, String yaml) throws IOException {
        Path config = dir.resolve(name);
        Files.writeString(config, yaml);
        return config;
    }

    @Test
    void anUnknownOptionExitsTwoWithOneLine() throws Exception {
        assertRefused(List.of("--frobnicate"), Map.of(), "demo: Unknown option: '--frobnicate' (see --help)");
    }

    @Test
    void anInvalidConfigFileExitsTwoWithOneLineNamingKeyAndValue() throws Exception {
        Path config = config("bad.yaml", "demo:\n  port: 99999\n");
        assertRefused(List.of("--config", config.toString()), Map.of(), "demo: invalid configuration: demo.port ="
                + " '99999' (in " + config + "): expected an integer from 0 to 65535");
    }

    @Test
    void aMalformedConfigFileExitsTwoWithOneLine() throws Exception {
        Path config = config("broken.yaml", "demo: [\n");
        try (ServiceProcess service = demo(List.of("--config", config.toString()), Map.of())) {
            assertThat(service.awaitExit(WAIT)).isEqualTo(2);
            assertThat(lines(service.stderr())).singleElement().asString()
                    .startsWith("demo: invalid configuration: " + config + ": not valid YAML");
        }
    }

    @Test
    void aValueOfTheWrongShapeExitsTwoWithOneLineNamingTheKey() throws Exception {
        Path config = config("shape.yaml", "demo:\n  port: {a: 1}\n");
        assertRefused(List.of("--config", config.toString()), Map.of(), "demo: invalid configuration: demo.port ="
                + " {a: 1} (in " + config + "): expected a single value, not a map");
    }

    @Test
    void anUnknownKeyExitsTwoWithOneLineNamingTheClosestKnownKey() throws Exception {
        Path config = config("typo.yaml", "lifecycle:\n  drain-timout: 1s\n");
        assertRefused(List.of("--config", config.toString()), Map.of(), "demo: invalid configuration: unknown key"
                + " lifecycle.drain-timout (in " + config + "): did you mean lifecycle.drain-timeout?");
        assertRefused(List.of(), Map.of("DEMO_PROT", "0", "UNRELATED_SETTING", "x"), "demo: invalid configuration:"
                + " unknown key demo.prot (from environment variable DEMO_PROT): did you mean demo.port (DEMO_PORT)?");
    }

    @Test
    void aMetricTagPrometheusRefusesExitsTwoBeforeAnythingIsBound() throws Exception {
        assertRefused(List.of(), Map.of("METRICS_TAGS_LE", "0.5"), "demo: invalid configuration: metrics.tags.le ="
                + " '0.5' (from environment variable METRICS_TAGS_LE): 'le' is a label our meters or Prometheus already"
                + " set: expected a name other than " + String.join(", ", MetricTags.RESERVED.stream().sorted().toList()));
    }

    @Test
    void theEnvironmentOverridesTheConfigFile() throws Exception {
        Path config = config("admin.yaml", "admin:\n  port: 1\n");
        try (ServiceProcess service = demo(List.of("--config", config.toString()), Map.of("ADMIN_PORT", "0"))) {
            assertThat(service.ports(WAIT).get("admin")).isNotEqualTo(1).isPositive();
        }
    }

    @Test
    void helpAndVersionPrintAndExitZero() throws Exception {
        try (ServiceProcess help = demo(List.of("--help"), Map.of())) {
            assertThat(help.awaitExit(WAIT)).isZero();
            assertThat(help.stdout()).startsWith("Usage: demo ").contains("--config=FILE", "--bind=ADDR", "Exit codes:");
        }
        try (ServiceProcess version = demo(List.of("--version"), Map.of())) {
            assertThat(version.awaitExit(WAIT)).isZero();
            assertThat(version.stdout()).startsWith("demo ").contains("Java ");
        }
    }
}

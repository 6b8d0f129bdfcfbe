package dev.netlab.deploy;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Debian's Prometheus run by a test: its configuration rendered from {@code prometheus-local.yml} with the ports the
 * services really bound, a 1 s scrape and evaluation interval, the shared rules file, data in a temporary directory;
 * and a small client of its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

    /** One answer of the query API: the result, or Prometheus' error message. */
    record Answer(JsonNode result, String error) {

        boolean ok() {
            return error == null;
        }
    }

    static final Path LOCAL_CONFIG = Path.of("deploy", "prometheus", "prometheus-local.yml");
    private static final Map<String, Integer> CONTRACT_ADMIN_PORTS =
            Map.of("web-server", 9080, "ping-server", 9081, "ping-client", 9082, "mail-client", 9083);

    private final ServiceProcess process;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    private PrometheusServer(ServiceProcess process, int port) {
        this.process = process;
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Renders the local configuration into {@code directory}: each job's contract admin port replaced by the port
     * in {@code adminPorts}, the lab port of the lossy relabeling by {@code labPort}, intervals of 1 s, and the
     * rules file by its absolute path.
     */
    static Path renderConfig(Path root, Path directory, Map<String, Integer> adminPorts, int labPort)
            throws IOException {
        String config = Files.readString(root.resolve(LOCAL_CONFIG));
        for (Map.Entry<String, Integer> job : CONTRACT_ADMIN_PORTS.entrySet()) {
            config = replaceOnce(config, "127.0.0.1:" + job.getValue() + "\"",
                    "127.0.0.1:" + adminPorts.get(job.getKey()) + "\"");
        }
        config = replaceOnce(config, "\".+:12000\"", "\".+:" + labPort + "\"");
        config = replaceOnce(config, "scrape_interval: 5s", "scrape_interval: 1s");
        config = replaceOnce(config, "evaluation_interval: 5s", "evaluation_interval: 1s");
        config = replaceOnce(config, "- rules/netlab.yml",
                "- " + root.resolve("deploy/prometheus/rules/netlab.yml").toAbsolutePath());
        Path file = directory.resolve("prometheus.yml");
        Files.writeString(file, config);
        return file;
    }

    private static String replaceOnce(String text, String target, String replacement) {
        int at = text.indexOf(target);
        if (at < 0 || text.indexOf(target, at + 1) >= 0) {
            throw new IllegalStateException("prometheus-local.yml must contain " + target + " exactly once");
        }
        return text.replace(target, replacement);
    }

    /** Starts {@code prometheus} on a free port with {@code config}, and waits until it answers ready. */
    static PrometheusServer start(Path config, Path data, Duration timeout) throws IOException {
        AssertionError last = null;
        // The free port is found by binding and closing: another process may take it first (Prometheus then exits
        // at once), so try a few.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            ServiceProcess process;
            try {
                process = ServiceProcess.start(List.of("prometheus", "--config.file=" + config,
                        "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=warn"), Map.of(), data);
            } catch (IOException e) {
                throw new AssertionError("prometheus is not installed: sudo .ci/run --install-only", e);
            }
            PrometheusServer server = new PrometheusServer(process, port);
            try {
                await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                        .until(() -> server.ready() || !process.process().isAlive());
            } catch (ConditionTimeoutException stillStarting) {
                // Neither ready nor gone within the timeout: reported below.
            }
            if (server.ready()) {
                return server;
            }
            boolean exited = !process.process().isAlive();
            server.close();
            last = new AssertionError("Prometheus did not become ready on port " + port + ": " + process.stderr());
            if (!exited || !process.stderr().contains("address already in use")) {
                throw last;
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private boolean ready() {
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** Evaluates {@code expr} at each {@code step} from {@code start} to {@code end}. */
    Answer queryRange(String expr, Instant start, Instant end, Duration step) throws IOException {
        return answer("/api/v1/query_range?query=" + encode(expr) + "&start=" + start.getEpochSecond()
                + "&end=" + end.getEpochSecond() + "&step=" + step.toSeconds());
    }

    /** Evaluates {@code expr} now. */
    Answer query(String expr) throws IOException {
        return answer("/api/v1/query?query=" + encode(expr));
    }

    /** The rule groups as Prometheus loaded and last evaluated them. */
    JsonNode ruleGroups() throws IOException {
        return json.readTree(get("/api/v1/rules").body()).path("data").path("groups");
    }

    String log() {
        return process.stderr();
    }

    private Answer answer(String path) throws IOException {
        JsonNode body = json.readTree(get(path).body());
        return body.path("status").asText().equals("success")
                ? new Answer(body.path("data").path("result"), null)
                : new Answer(null, body.path("errorType").asText() + ": " + body.path("error").asText());
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.close();
    }
}

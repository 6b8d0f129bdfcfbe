package dev.netlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.metrics.PrometheusText;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The Compose stack for real: podman serves a Docker API on a socket of its own, local stand-ins replace the public
 * base images, our images are built from deploy/docker/Dockerfile by {@code docker-compose build}, and
 * {@code docker-compose up} runs deploy/compose.yaml under an override that leaves Grafana out, publishes every
 * port on a free host port (never a contract port) and sets the project's name, so a user's own stack may run
 * meanwhile. The assertions cross containers; the last test takes the stack down and finds nothing left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeIT {

    private static final Path ROOT = DeployFiles.ROOT;
    private static final List<String> SERVICES = DeployFiles.SERVICES;
    private static final List<String> PORT_VARIABLES = List.of("WEB_SERVER_PORT", "WEB_SERVER_ADMIN_PORT",
            "PING_SERVER_LAB_PORT", "PING_SERVER_STAMP_PORT", "PING_SERVER_ECHO_PORT", "PING_SERVER_ADMIN_PORT",
            "PING_CLIENT_ADMIN_PORT", "MAIL_CLIENT_ADMIN_PORT", "PROMETHEUS_PORT", "GRAFANA_PORT");
    /** The ping-client probes five times a second here, so loss figures settle within seconds. */
    private static final String OVERRIDE = """
            # Written by ComposeIT: Grafana left out (no image here), faster probes, the test's secrets.
            services:
              grafana:
                profiles: ["left-out-by-the-test"]
              ping-client:
                environment:
                  PINGCLIENT_DEFAULTS_INTERVAL: 200ms
            secrets:
              mail-api-token:
                file: %s
              smtp-password:
                file: %s
            """;
    private static final Duration WAIT = Duration.ofMinutes(3);
    /** The tag of the images the test builds, so a user's own netlab/<service> images stay as they are. */
    private static final String TAG = "compose-it";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static long started;
    private static Path temp;
    private static PodmanService podman;
    private static ComposeProject compose;
    private static ScheduledExecutorService healthChecks;
    private static boolean down;

    @BeforeAll
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    static void upTheStack() throws Exception {
        started = System.nanoTime();
        // Rootful podman and debootstrap need root; CI runs as root and runs this test.
        assumeTrue("root".equals(System.getProperty("user.name")),
                "ComposeIT skipped: it needs root (rootful podman, debootstrap); CI runs it as root");
        Command.requireOnPath("docker-compose", "install the Debian packages of .ci/run (docker-compose)");
        Command.requireOnPath("debootstrap", "install the Debian packages of .ci/run (debootstrap)");
        Command.requireOnPath("prometheus", "install the Debian packages of .ci/run (prometheus)");
        temp = Files.createTempDirectory("netlab-compose-it");
        podman = PodmanService.start(temp);

        Map<String, String> environment = new HashMap<>(podman.environment());
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        long standinsStarted = System.nanoTime();
        Command.Result standins = Command.run(List.of("bash", "deploy/docker/standin-images.sh"), environment, ROOT,
                Duration.ofMinutes(20)).orFail();
        log("stand-in base images ready in %d s", elapsedSeconds(standinsStarted));
        for (String line : standins.output().lines().toList()) {
            Matcher image = Pattern.compile("^(JRE_IMAGE|PROMETHEUS_IMAGE)=(\\S+)$").matcher(line);
            if (image.matches()) {
                environment.put(image.group(1), image.group(2));
            }
        }
        assertThat(environment).containsKeys("JRE_IMAGE", "PROMETHEUS_IMAGE");
        environment.put("NETLAB_VERSION", TAG);
        PORT_VARIABLES.forEach(variable -> environment.put(variable, ""));

        Path token = write("mail-api-token", "compose-it-token-" + ProcessHandle.current().pid() + "\n");
        Path password = write("smtp-password", "unused\n");
        Path override = write("compose.override.yaml", OVERRIDE.formatted(token, password));
        compose = new ComposeProject(ROOT, List.of(ROOT.resolve("deploy/compose.yaml"), override),
                "netlab-it-" + ProcessHandle.current().pid(), environment);

        long buildStarted = System.nanoTime();
        Map<String, String> previous = imageIds();
        compose.run(Duration.ofMinutes(15), "build", "web-server", "ping-server", "ping-client", "mail-client")
                .orFail();
        log("images built in %d s", elapsedSeconds(buildStarted));
        removeReplaced(previous);
        healthChecks = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("podman-healthchecks")
                .factory());
        healthChecks.scheduleWithFixedDelay(ComposeIT::runHealthChecks, 0, 2, TimeUnit.SECONDS);
        long upStarted = System.nanoTime();
        compose.run(Duration.ofMinutes(5), "up", "-d").orFail();
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (String service : listOf(SERVICES, "prometheus")) {
                assertThat(health(containerOf(service))).as(service).isEqualTo("healthy");
            }
        });
        log("stack up and healthy in %d s (%d s since the start)", elapsedSeconds(upStarted),
                elapsedSeconds(started));
    }

    @AfterAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void takeItDown() throws Exception {
        try {
            if (compose != null && !down) {
                compose.run(Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
            }
        } finally {
            if (healthChecks != null) {
                healthChecks.shutdownNow();
            }
            if (podman != null) {
                podman.close();
            }
            if (temp != null) {
                try (var files = Files.walk(temp)) {
                    files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                }
            }
            log("whole test took %d s", elapsedSeconds(started));
        }
    }

    @Test
    @Order(1)
    void webServerServesTheSampleSiteOnThePublishedPort() throws Exception {
        int port = compose.publishedPort("web-server", 8080, "tcp");
        for (String page : List.of("index.html", "HelloWorld.html")) {
            HttpResponse<String> response = get(URI.create("http://127.0.0.1:" + port + "/" + page));
            assertThat(response.statusCode()).as(page).isEqualTo(200);
            assertThat(response.body()).as(page)
                    .isEqualTo(Files.readString(ROOT.resolve("web-server/www").resolve(page)));
        }
    }

    @Test
    @Order(2)
    void pingClientGetsRepliesFromThePingServerContainer() throws Exception {
        String pingServer = addressOf(containerOf("ping-server"));
        URI metrics = URI.create("http://127.0.0.1:" + compose.publishedPort("ping-client", 9082, "tcp") + "/metrics");
        String lab = "ping-server:12000";
        double[] firstCount = new double[1];
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            PrometheusText.Scrape scrape = PrometheusText.parse(get(metrics).body());
            firstCount[0] = scrape.valueOf("pingclient_rtt_seconds_count", "target", lab,
                    "address", pingServer + ":12000");
            assertThat(firstCount[0]).isPositive();
        });
        // Enough completed probes that the lab's loss of 4/11 shows within a few standard deviations.
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            PrometheusText.Scrape scrape = PrometheusText.parse(get(metrics).body());
            assertThat(scrape.valueOf("pingclient_rtt_seconds_count", "target", lab)).isGreaterThan(firstCount[0]);
            for (int port : List.of(12000, 8620, 7007)) {
                String target = "ping-server:" + port;
                String address = pingServer + ":" + port;
                double received = scrape.valueOf("pingclient_packets_received_total", "target", target, "address", address);
                double lost = scrape.valueOf("pingclient_packets_lost_total", "target", target, "address", address);
                assertThat(received + lost).as(target + " probes answered or lost").isGreaterThanOrEqualTo(150);
                double loss = lost / (received + lost);
                if (port == 12000) {
                    assertThat(loss).as("lab loss, 4/11 = 0.364 expected").isBetween(0.25, 0.48);
                } else {
                    assertThat(loss).as(target + " loss").isLessThanOrEqualTo(0.02);
                }
            }
        });
    }

    @Test
    @Order(3)
    void pingServerListsThePingClientContainerAsASender() throws Exception {
        String pingClient = addressOf(containerOf("ping-client"));
        URI senders = URI.create("http://127.0.0.1:" + compose.publishedPort("ping-server", 9081, "tcp")
                + "/api/senders");
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode body = JSON.readTree(get(senders).body());
            assertThat(body.findValuesAsText("address")).contains(pingClient);
        });
    }

    @Test
    @Order(4)
    void theMailApiTakesTheSecretsTokenAndQueuesIntoTheOutboxVolume() throws Exception {
        URI messages = URI.create("http://127.0.0.1:" + compose.publishedPort("mail-client", 9083, "tcp")
                + "/api/messages");
        String message = "{\"from\":\"alice@example.org\",\"to\":[\"bob@example.org\"],\"subject\":\"compose\","
                + "\"text\":\"from ComposeIT\"}";
        HttpRequest.Builder post = HttpRequest.newBuilder(messages).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(message));
        assertThat(HTTP.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        String token = Files.readString(temp.resolve("mail-api-token")).strip();
        HttpResponse<String> accepted = HTTP.send(post.header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = JSON.readTree(accepted.body()).path("id").asText();
        // No relay is configured, so the message waits in the outbox, which lives on the named volume.
        String mounts = podman.podman(Duration.ofSeconds(60), "inspect", "--format",
                "{{range .Mounts}}{{.Type}}:{{.Name}}:{{.Destination}} {{end}}", containerOf("mail-client"))
                .orFail().output();
        assertThat(mounts).contains("volume:" + compose.name() + "_mail-outbox:/var/lib/netlab/mail-outbox");
        String queue = podman.podman(Duration.ofSeconds(60), "exec", containerOf("mail-client"), "ls", "-R",
                "/var/lib/netlab/mail-outbox").orFail().output();
        assertThat(queue).contains(id);
    }

    @Test
    @Order(5)
    void prometheusScrapesAllFourJobsAndAnswersTheDashboardsPingAndWebQueries() throws Exception {
        String prometheus = "http://127.0.0.1:" + compose.publishedPort("prometheus", 9090, "tcp");
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode targets = JSON.readTree(get(URI.create(prometheus + "/api/v1/targets")).body())
                    .path("data").path("activeTargets");
            Map<String, String> health = new LinkedHashMap<>();
            targets.forEach(t -> health.put(t.path("labels").path("job").asText(), t.path("health").asText()));
            assertThat(health).containsAllEntriesOf(Map.of("web-server", "up", "ping-server", "up",
                    "ping-client", "up", "mail-client", "up"));
        });
        // A request of our own, so the web panels have something to rate.
        get(URI.create("http://127.0.0.1:" + compose.publishedPort("web-server", 8080, "tcp") + "/"));
        List<String> queries = List.of(dashboardQuery("RTT p50 / p90 / p99"), dashboardQuery("Requests by status class"));
        for (String query : queries) {
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                JsonNode answer = JSON.readTree(get(URI.create(prometheus + "/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8))).body());
                assertThat(answer.path("status").asText()).as(query).isEqualTo("success");
                assertThat(answer.path("data").path("result")).as(query).isNotEmpty();
            });
        }
    }

    @Test
    @Order(6)
    void ourContainersRunAsTheImagesNonRootUidOnTheReadOnlyRootTheManifestAsksFor() throws Exception {
        String uid = DeployFiles.imageUid();
        JsonNode services = ComposeFileTest.resolved().path("services");
        for (String service : SERVICES) {
            String container = containerOf(service);
            String status = podman.podman(Duration.ofSeconds(60), "exec", container, "cat", "/proc/1/status")
                    .orFail().output();
            assertThat(status).as(service + " pid 1").containsPattern("(?m)^Uid:\\s+" + uid + "\\s+" + uid + "\\s");
            assertThat(status).as(service + " pid 1").containsPattern("(?m)^CapEff:\\s+0+$");
            boolean readOnly = services.path(service).path("read_only").asBoolean(false);
            assertThat(readOnly).as(service + " read_only in compose.yaml").isTrue();
            // As root, whom only a read-only mount stops from writing to the root-owned /app.
            Command.Result write = podman.podman(Duration.ofSeconds(60), "exec", "--user", "0", container, "touch",
                    "/app/probe");
            assertThat(write.exitCode()).as(service + " writes to /app").isNotZero();
            assertThat(write.output()).contains("Read-only file system");
            podman.podman(Duration.ofSeconds(60), "exec", container, "touch", "/tmp/probe").orFail();
        }
    }

    @Test
    @Order(99)
    void downLeavesNoContainerNetworkOrVolume() throws Exception {
        compose.run(Duration.ofMinutes(3), "down", "-v", "--remove-orphans").orFail();
        down = true;
        String project = compose.name();
        assertThat(podman.podman(Duration.ofSeconds(60), "ps", "-a", "--format", "{{.Names}}").orFail().output()
                .lines()).noneMatch(name -> name.startsWith(project));
        assertThat(podman.podman(Duration.ofSeconds(60), "network", "ls", "--format", "{{.Name}}").orFail().output()
                .lines()).noneMatch(name -> name.startsWith(project));
        assertThat(podman.podman(Duration.ofSeconds(60), "volume", "ls", "--format", "{{.Name}}").orFail().output()
                .lines()).noneMatch(name -> name.startsWith(project));
    }

    /** Podman schedules health checks with systemd timers; without systemd the test runs a round every 2 s. */
    private static void runHealthChecks() {
        try {
            String ids = podman.podman(Duration.ofSeconds(60), "ps", "-q", "--filter",
                    "label=com.docker.compose.project=" + compose.name()).output();
            for (String id : ids.lines().filter(line -> line.matches("[0-9a-f]{12,64}")).toList()) {
                podman.podman(Duration.ofSeconds(30), "healthcheck", "run", id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | AssertionError e) {
            log("health check round failed: %s", e.getMessage());
        }
    }

    /** The image ids our tags name now, so that the images a rebuild replaces can go. */
    private static Map<String, String> imageIds() throws IOException, InterruptedException {
        Map<String, String> ids = new HashMap<>();
        for (String service : SERVICES) {
            Command.Result id = podman.podman(Duration.ofSeconds(60), "image", "inspect", "--format", "{{.Id}}",
                    "netlab/" + service + ":" + TAG);
            if (id.exitCode() == 0) {
                ids.put(service, id.output().strip());
            }
        }
        return ids;
    }

    /** Removes the images of an earlier run that this run's build replaced (each run would leave four behind). */
    private static void removeReplaced(Map<String, String> previous) throws IOException, InterruptedException {
        Map<String, String> now = imageIds();
        for (Map.Entry<String, String> old : previous.entrySet()) {
            if (!old.getValue().equals(now.get(old.getKey()))) {
                podman.podman(Duration.ofSeconds(60), "rmi", old.getValue());
            }
        }
    }

    private static String containerOf(String service) throws IOException, InterruptedException {
        List<String> ids = podman.podman(Duration.ofSeconds(60), "ps", "-q",
                "--filter", "label=com.docker.compose.project=" + compose.name(),
                "--filter", "label=com.docker.compose.service=" + service).orFail().output().lines()
                .filter(line -> line.matches("[0-9a-f]{12,64}")).toList();
        assertThat(ids).as("running containers of " + service).hasSize(1);
        return ids.getFirst();
    }

    private static String health(String container) throws IOException, InterruptedException {
        return podman.podman(Duration.ofSeconds(60), "inspect", "--format", "{{.State.Health.Status}}", container)
                .orFail().output().strip();
    }

    private static String addressOf(String container) throws IOException, InterruptedException {
        String address = podman.podman(Duration.ofSeconds(60), "inspect", "--format",
                "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container).orFail().output().strip();
        assertThat(address).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        return address;
    }

    /** The first query of the dashboard panel titled {@code title}, its variables set to "All". */
    private static String dashboardQuery(String title) throws IOException {
        return Dashboard.load(ROOT.resolve("grafana/dashboards/netlab.json")).queries().stream()
                .filter(query -> query.panelTitle().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("grafana/dashboards/netlab.json has no panel titled " + title))
                .resolved("1m", "5m");
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path write(String name, String text) throws IOException {
        Path file = temp.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static List<String> listOf(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }

    private static long elapsedSeconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    private static void log(String format, Object... args) {
        System.out.printf("ComposeIT: " + format + "%n", args);
    }
}

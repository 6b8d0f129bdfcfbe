package dev.netlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The dashboard proven against the real stack: the four service jars on free ports (a ping-server with loss,
 * duplicates and reordering, a ping-client probing its lab and STAMP listeners and a port where nothing listens, a
 * web-server, a mail-client relaying to an embedded SMTP server), scraped every second by Debian's Prometheus with a
 * configuration rendered from prometheus-local.yml. After web requests (200 and 404), two messages posted to the mail
 * API (one delivered, one refused with 550) and a forced GC in every service, every query of every panel must return
 * a finite value over the last minute, and every rule must evaluate without error.
 */
class DashboardIT {

    private static final Path ROOT = DashboardTest.ROOT;
    private static final List<String> SERVICES = List.of("web-server", "ping-server", "ping-client", "mail-client");
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration DATA = Duration.ofSeconds(60);
    /** What Grafana would pick for $__rate_interval at a 1 s scrape interval (four scrapes), with room to spare. */
    private static final String RATE_INTERVAL = "10s";
    /** The relay takes mail for this address and refuses every other one with 550. */
    private static final String DELIVERABLE = "taken@example.org";
    private static final String REFUSED = "refused@example.org";
    /** The contract's metric names (docs/architecture.md, "Metrics"): the dashboard shows every one. */
    private static final List<String> CONTRACT = List.of("webserver_requests_total",
            "webserver_request_duration_seconds_bucket", "webserver_response_bytes_total",
            "webserver_connections_active", "webserver_connections_refused_total", "webserver_timeouts_total",
            "pingserver_packets_received_total", "pingserver_packets_reflected_total",
            "pingserver_packets_dropped_total", "pingserver_faults_total", "pingserver_senders",
            "pingserver_forward_lost_packets_total", "pingclient_rtt_seconds_bucket", "pingclient_packets_sent_total",
            "pingclient_packets_received_total", "pingclient_packets_lost_total", "pingclient_packets_late_total",
            "pingclient_packets_duplicate_total", "pingclient_packets_reordered_total", "pingclient_jitter_seconds",
            "pingclient_errors_total", "mailclient_smtp_replies_total", "mailclient_messages_total",
            "mailclient_outbox_messages", "mailclient_delivery_duration_seconds_bucket");

    @TempDir
    static Path temp;

    private static final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
    private static final Map<String, Integer> adminPorts = new LinkedHashMap<>();
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static PrometheusServer prometheus;
    private static SMTPServer relay;
    private static Instant begin;
    private static int labPort;
    private static int stampPort;
    private static int silentPort;

    private final Dashboard dashboard = Dashboard.load(DashboardTest.JSON);

    DashboardIT() throws IOException {
    }

    @BeforeAll
    static void startTheStackAndPrometheusThenCauseEvents() throws Exception {
        begin = Instant.now();
        start("ping-server", List.of(), Map.ofEntries(Map.entry("ADMIN_PORT", "0"),
                Map.entry("PINGSERVER_LISTENERS_LAB_PORT", "0"), Map.entry("PINGSERVER_LISTENERS_ECHO_PORT", "0"),
                Map.entry("PINGSERVER_LISTENERS_STAMP_PORT", "0"),
                // The lab's 4/11 loss (the default) plus duplicates and reordering, seeded; STAMP with 1/10 loss.
                Map.entry("PINGSERVER_LISTENERS_LAB_SEED", "11"),
                Map.entry("PINGSERVER_LISTENERS_LAB_DUPLICATE", "1/10"),
                Map.entry("PINGSERVER_LISTENERS_LAB_REORDER", "1/10"),
                Map.entry("PINGSERVER_LISTENERS_LAB_REORDER_dash_HOLD", "50ms"),
                Map.entry("PINGSERVER_LISTENERS_STAMP_LOSS", "1/10"),
                Map.entry("PINGSERVER_LISTENERS_STAMP_SEED", "5"),
                Map.entry("PINGSERVER_LISTENERS_STAMP_DELAY", "1ms")));
        start("web-server", List.of("--root", ROOT.resolve("web-server/www").toString()),
                Map.of("ADMIN_PORT", "0", "WEBSERVER_PORT", "0"));
        relay = startRelay();
        Path mail = Files.writeString(temp.resolve("mail-client.yaml"), """
                mailclient:
                  relay: {server: "127.0.0.1:%d", tls: none}
                  outbox: {dir: "%s"}
                """.formatted(relay.getPortAllocated(), temp.resolve("outbox")));
        start("mail-client", List.of("--config", mail.toString()), Map.of("ADMIN_PORT", "0"));
        Map<String, Integer> reflector = processes.get("ping-server").ports(START);
        labPort = reflector.get("lab");
        stampPort = reflector.get("stamp");
        try (DatagramSocket unused = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silentPort = unused.getLocalPort();
        }
        Path probes = Files.writeString(temp.resolve("ping-client.yaml"), """
                pingclient:
                  defaults:
                    interval: 100ms
                    timeout: 500ms
                  targets:
                    - {host: 127.0.0.1, port: %d, mode: lab}
                    - {host: 127.0.0.1, port: %d, mode: stamp}
                    - {host: 127.0.0.1, port: %d, mode: echo}
                """.formatted(labPort, stampPort, silentPort));
        start("ping-client", List.of("--config", probes.toString()), Map.of("ADMIN_PORT", "0"));
        for (String service : SERVICES) {
            adminPorts.put(service, processes.get(service).ports(START).get("admin"));
        }

        Path data = Files.createDirectories(temp.resolve("prometheus"));
        prometheus = PrometheusServer.start(PrometheusServer.renderConfig(ROOT, temp, adminPorts, labPort), data,
                START);
        pollUntil(START, "every job scraped", () -> {
            JsonNode up = prometheus.query("up == 1").result();
            Set<String> jobs = new HashSet<>();
            up.forEach(series -> jobs.add(series.path("metric").path("job").asText()));
            return jobs.containsAll(SERVICES) ? List.of() : List.of("up == 1 for " + jobs);
        });

        // Posted once Prometheus holds a scrape of the zeros, so the rates (and the latency quantiles) see the rise.
        assertThat(postMessage(DELIVERABLE)).isEqualTo(202);
        assertThat(postMessage(REFUSED)).isEqualTo(202);
        int webPort = processes.get("web-server").ports(START).get("web");
        for (int i = 0; i < 20; i++) {
            assertThat(get(webPort, "/")).isEqualTo(200);
            assertThat(get(webPort, "/no-such-page")).isEqualTo(404);
        }
        forceGcInEveryService();
    }

    @AfterAll
    static void stopEverything() {
        if (prometheus != null) {
            prometheus.close();
        }
        processes.values().forEach(ServiceProcess::close);
        if (relay != null) {
            relay.stop();
        }
    }

    /** SubEthaSMTP on a free loopback port: 250 for {@link #DELIVERABLE}, 550 for any other recipient. */
    private static SMTPServer startRelay() {
        SMTPServer server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
                .messageHandlerFactory(DashboardIT::relayHandler).build();
        server.start();
        return server;
    }

    private static MessageHandler relayHandler(MessageContext context) {
        return new MessageHandler() {
            @Override
            public void from(String address) {
            }

            @Override
            public void recipient(String address) throws RejectException {
                if (!address.equals(DELIVERABLE)) {
                    throw new RejectException(550, "5.1.1 no such user here");
                }
            }

            @Override
            public String data(InputStream data) throws IOException {
                data.readAllBytes();
                return "2.0.0 queued as DASHBOARD";
            }

            @Override
            public void done() {
            }
        };
    }

    /** POSTs a short message for {@code recipient} to the mail-client's API; returns the status code. */
    private static int postMessage(String recipient) throws IOException, InterruptedException {
        String body = "{\"from\":\"dashboard@example.org\",\"to\":[\"" + recipient + "\"],\"subject\":\"dashboard\","
                + "\"text\":\"hello\"}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get("mail-client")
                + "/api/messages")).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Starts a service jar with the launcher's lean JVM flags, which halve start-up CPU on a busy machine. */
    private static void start(String service, List<String> args, Map<String, String> env) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>(env);
        environment.put("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms16m");
        processes.put(service, ServiceProcess.startJar(ROOT.resolve(service + "/target/" + service + ".jar"), args,
                environment));
    }

    private static int get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String metrics(String service) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(service) + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** {@code jcmd <pid> GC.run} in every service, all at once. */
    private static void forceGcInEveryService() throws Exception {
        String jcmd = Path.of(ServiceProcess.javaBinary()).resolveSibling("jcmd").toString();
        List<ServiceProcess> runs = new ArrayList<>();
        for (ServiceProcess service : processes.values()) {
            runs.add(ServiceProcess.start(List.of(jcmd, Long.toString(service.process().pid()), "GC.run"), Map.of(),
                    null));
        }
        for (ServiceProcess run : runs) {
            try (run) {
                assertThat(run.awaitExit(START)).as(run.stdout() + run.stderr()).isZero();
            }
        }
    }

    /** Repeats {@code check} until it reports no problem, or fails with its last problems after {@code timeout}. */
    private static void pollUntil(Duration timeout, String what, Callable<List<String>> check) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        List<String> problems = check.call();
        while (!problems.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout + ": " + what + "\n  " + String.join("\n  ", problems)
                        + "\nPrometheus: " + prometheus.log());
            }
            Thread.sleep(500);
            problems = check.call();
        }
    }

    /** Whether any point of any series of a range query's result is a finite number. */
    private static boolean anyFinite(JsonNode result) {
        for (JsonNode series : result) {
            for (JsonNode point : series.path("values")) {
                if (Double.isFinite(Double.parseDouble(point.path(1).asText("NaN")))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void everyQueryOfEveryPanelReturnsAFiniteValue() throws Exception {
        List<Dashboard.Query> queries = dashboard.queries();
        assertThat(queries).hasSizeGreaterThan(30);
        pollUntil(DATA, "every panel query returns a finite value", () -> {
            List<String> problems = new ArrayList<>();
            Instant now = Instant.now();
            for (Dashboard.Query query : queries) {
                String expr = query.resolved(RATE_INTERVAL, "1m");
                PrometheusServer.Answer answer = prometheus.queryRange(expr, begin, now, Duration.ofSeconds(1));
                if (!answer.ok()) {
                    problems.add(query + " fails: " + answer.error() + "\n    " + expr);
                } else if (answer.result().isEmpty()) {
                    problems.add(query + " returns no series\n    " + expr);
                } else if (!anyFinite(answer.result())) {
                    problems.add(query + " returns no finite value\n    " + expr);
                }
            }
            return problems;
        });
    }

    @Test
    void theDeliveredAndTheRefusedMessageShowInTheMailMetrics() throws Exception {
        pollUntil(DATA, "one message sent, one failed on RCPT 550, and a delivery latency", () -> {
            List<String> problems = new ArrayList<>();
            for (String expr : List.of("mailclient_messages_total{outcome=\"sent\"} == 1",
                    "mailclient_messages_total{outcome=\"failed\"} == 1",
                    "mailclient_smtp_replies_total{command=\"RCPT\",code=\"550\"} == 1",
                    "mailclient_delivery_duration_seconds_count == 1", "mailclient_outbox_messages == 0")) {
                if (prometheus.query(expr).result().isEmpty()) {
                    problems.add("no series for " + expr);
                }
            }
            return problems;
        });
    }

    @Test
    void theGcWeForcedShowsInEveryService() throws Exception {
        // jcmd GC.run collects with the cause "Diagnostic Command".
        pollUntil(DATA, "a jcmd GC.run pause scraped from every service", () -> {
            Set<String> jobs = new HashSet<>();
            prometheus.query("jvm_gc_pause_seconds_count{cause=\"Diagnostic Command\"} > 0").result()
                    .forEach(series -> jobs.add(series.path("metric").path("job").asText()));
            return jobs.containsAll(SERVICES) ? List.of() : List.of("jcmd GC.run pauses seen in " + jobs);
        });
    }

    @Test
    void everyTemplateVariableSelectsSeries() throws Exception {
        assertThat(dashboard.variableSelectors()).hasSize(2);
        pollUntil(DATA, "every variable query selects series", () -> {
            List<String> problems = new ArrayList<>();
            for (String selector : dashboard.variableSelectors()) {
                PrometheusServer.Answer answer = prometheus.query(selector);
                if (!answer.ok() || answer.result().isEmpty()) {
                    problems.add(selector + ": " + (answer.ok() ? "no series" : answer.error()));
                }
            }
            return problems;
        });
    }

    @Test
    void everyMetricTheDashboardUsesIsExportedAndItShowsTheWholeContract() throws Exception {
        Set<String> exported = new HashSet<>();
        for (String service : SERVICES) {
            PrometheusText.parse(metrics(service)).families().values()
                    .forEach(family -> family.samples().forEach(sample -> exported.add(sample.name())));
        }
        Set<String> used = dashboard.metricNames();
        assertThat(used).hasSizeGreaterThan(CONTRACT.size());
        assertThat(exported).containsAll(used);
        assertThat(used).containsAll(CONTRACT);
    }

    @Test
    void promtoolCheckMetricsIsCleanForEveryService() throws Exception {
        for (String service : SERVICES) {
            Path scrape = Files.writeString(temp.resolve(service + ".metrics"), metrics(service));
            // promtool reads the exposition on standard input and prints one line per problem.
            Process check = new ProcessBuilder("promtool", "check", "metrics").redirectInput(scrape.toFile())
                    .redirectErrorStream(true).start();
            try {
                String problems = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(check.waitFor(START.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(problems).as(service).isBlank();
                assertThat(check.exitValue()).as(service).isZero();
            } finally {
                check.destroyForcibly();
            }
        }
    }

    @Test
    void everyRuleEvaluatesWithoutErrorAgainstTheLiveData() throws Exception {
        Instant loaded = Instant.now();
        List<JsonNode> rules = new ArrayList<>();
        pollUntil(DATA, "every rule evaluated without error since the test began", () -> {
            List<String> problems = new ArrayList<>();
            rules.clear();
            for (JsonNode group : prometheus.ruleGroups()) {
                for (JsonNode rule : group.path("rules")) {
                    rules.add(rule);
                    Instant last = OffsetDateTime.parse(rule.path("lastEvaluation").asText("1970-01-01T00:00:00Z"))
                            .toInstant();
                    if (!rule.path("health").asText().equals("ok") || last.isBefore(loaded)) {
                        problems.add(rule.path("name").asText() + ": health " + rule.path("health").asText() + " "
                                + rule.path("lastError").asText() + ", last evaluated " + last);
                    }
                }
            }
            return problems;
        });
        assertThat(rules).hasSizeGreaterThanOrEqualTo(13);
        for (JsonNode rule : rules) {
            PrometheusServer.Answer answer = prometheus.query(rule.path("query").asText());
            assertThat(answer.error()).as(rule.path("name").asText()).isNull();
        }
    }

    @Test
    void theLossAlertHoldsTheLossyLabTargetTo50PercentButCatchesTheOthers() throws Exception {
        String lab = "127.0.0.1:" + labPort;
        String stamp = "127.0.0.1:" + stampPort;
        String silent = "127.0.0.1:" + silentPort;
        pollUntil(DATA, "the lab target's loss ratio recorded with lossy=\"true\"", () -> {
            JsonNode ratio = prometheus.query("target:pingclient_packets_lost:ratio_rate5m{lossy=\"true\"} > 0.2")
                    .result();
            return ratio.size() == 1 && ratio.get(0).path("metric").path("target").asText().equals(lab) ? List.of()
                    : List.of("lossy loss ratios above 20%: " + ratio);
        });
        String lossAlert = alertExpression("PingLossHigh");
        // STAMP at 1/10 and the silent target at 100% are above 5%; the lab target's 4/11 is under its 50%.
        pollUntil(DATA, "the loss alert's expression selecting the STAMP and the silent target", () -> {
            Set<String> targets = new HashSet<>();
            prometheus.query(lossAlert).result().forEach(s -> targets.add(s.path("metric").path("target").asText()));
            return targets.equals(Set.of(stamp, silent)) ? List.of() : List.of("loss alert selects " + targets);
        });
    }

    @Test
    void aTargetWhereNothingListensIsReportedAsNotAnswering() throws Exception {
        String silent = "127.0.0.1:" + silentPort;
        String notAnswering = alertExpression("PingTargetNotAnswering");
        pollUntil(DATA, "the not-answering expression selecting only the silent target", () -> {
            Set<String> targets = new HashSet<>();
            prometheus.query(notAnswering).result()
                    .forEach(s -> targets.add(s.path("metric").path("target").asText()));
            return targets.equals(Set.of(silent)) ? List.of() : List.of("not answering: " + targets);
        });
    }

    private static String alertExpression(String name) throws IOException {
        for (JsonNode group : prometheus.ruleGroups()) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.path("name").asText().equals(name)) {
                    return rule.path("query").asText();
                }
            }
        }
        throw new AssertionError("no rule " + name + " loaded");
    }
}

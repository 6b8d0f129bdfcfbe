package dev.netlab.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch jar in a real terminal (tmux) against the real service jars on free ports: a lossy ping-server, a
 * ping-client probing its lab and STAMP listeners, a web-server; the mail-client is not running. Read from the pane
 * the way a user sees it.
 */
class WatchIT {

    private static final Path ROOT = Path.of(System.getProperty("netlab.root", "..")).toAbsolutePath();
    private static final Path WATCH = Path.of("target/watch.jar").toAbsolutePath();
    private static ServiceProcess pingServer;
    private static ServiceProcess pingClient;
    private static ServiceProcess webServer;
    private static Map<String, Integer> pingServerPorts;
    private static int pingClientAdmin;
    private static int webServerAdmin;
    private static int nobody;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startTheServices() throws Exception {
        assertThat(WATCH).as("the watch jar is packaged before this test runs").exists();
        pingServer = ServiceProcess.startJar(ROOT.resolve("ping-server/target/ping-server.jar"), List.of(), Map.of(
                "ADMIN_PORT", "0",
                "PINGSERVER_LISTENERS_LAB_PORT", "0",
                "PINGSERVER_LISTENERS_LAB_SEED", "7",
                "PINGSERVER_LISTENERS_ECHO_PORT", "0",
                "PINGSERVER_LISTENERS_STAMP_PORT", "0"));
        webServer = ServiceProcess.startJar(ROOT.resolve("web-server/target/web-server.jar"), List.of(), Map.of(
                "ADMIN_PORT", "0", "WEBSERVER_PORT", "0", "WEBSERVER_ROOT", ROOT.resolve("web-server/www").toString()));
        pingServerPorts = pingServer.ports(Duration.ofSeconds(60));
        Path config = dir.resolve("ping-client.yaml");
        Files.writeString(config, """
                pingclient:
                  targets:
                    - host: 127.0.0.1
                      port: %d
                      mode: lab
                      interval: 100ms
                      timeout: 300ms
                    - host: 127.0.0.1
                      port: %d
                      mode: stamp
                      interval: 100ms
                      timeout: 300ms
                """.formatted(pingServerPorts.get("lab"), pingServerPorts.get("stamp")));
        pingClient = ServiceProcess.startJar(ROOT.resolve("ping-client/target/ping-client.jar"),
                List.of("--config", config.toString()), Map.of("ADMIN_PORT", "0"));
        pingClientAdmin = pingClient.ports(Duration.ofSeconds(60)).get("admin");
        webServerAdmin = webServer.ports(Duration.ofSeconds(60)).get("admin");
        try (ServerSocket free = new ServerSocket(0)) {
            // A port nothing listens on once this closes: the mail-client's admin socket, down.
            nobody = free.getLocalPort();
        }
    }

    @AfterAll
    static void stopTheServices() {
        for (ServiceProcess process : new ServiceProcess[] {pingClient, pingServer, webServer}) {
            if (process != null) {
                process.close();
            }
        }
    }

    private static ConditionFactory within(Duration timeout) {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(100));
    }

    /** The first row that starts with {@code prefix}, or null. */
    private static String row(List<String> rows, String prefix) {
        return rows.stream().filter(r -> r.startsWith(prefix)).findFirst().orElse(null);
    }

    @Test
    void aUserWatchesLossAndRttLiveResizesSeesAServiceGoDownAndQuits() throws Exception {
        Path exit = dir.resolve("exit-code");
        String command = String.join(" ", "'" + ServiceProcess.javaBinary() + "'", "-jar", "'" + WATCH + "'",
                "--interval", "300ms",
                "--admin", "ping-client=127.0.0.1:" + pingClientAdmin,
                "--admin", "ping-server=127.0.0.1:" + pingServerPorts.get("admin"),
                "--admin", "web-server=127.0.0.1:" + webServerAdmin,
                "--admin", "mail-client=127.0.0.1:" + nobody);
        String lab = "127.0.0.1:" + pingServerPorts.get("lab");
        String stamp = "127.0.0.1:" + pingServerPorts.get("stamp");
        Path errors = dir.resolve("watch.err");
        try (Tmux tmux = Tmux.start("LC_ALL=C.UTF-8 " + command + " 2> '" + errors + "'; echo $? > '" + exit + "'",
                80, 24, dir)) {
            AtomicReference<List<String>> frame = new AtomicReference<>();
            // Both targets, the lab's loss above zero, RTT figures, every service in its place.
            within(Duration.ofSeconds(90)).untilAsserted(() -> {
                List<String> rows = tmux.capture();
                frame.set(rows);
                assertThat(exit).as("watch ended early: %s", rows).doesNotExist();
                assertThat(rows.getFirst()).contains("netlab watch").contains("q quit");
                assertThat(row(rows, stamp)).isNotNull();
                String[] labFigures = row(rows, lab).trim().split(" +");
                assertThat(labFigures[1]).isEqualTo("lab");
                assertThat(Double.parseDouble(labFigures[4].replace("%", ""))).as("loss since start").isPositive();
                assertThat(labFigures[5]).as("last RTT").matches("\\d+\\.\\d+");
                assertThat(row(rows, "ping-server")).contains("active senders");
                assertThat(row(rows, "web-server")).doesNotContain("DOWN");
                assertThat(rows.get(23)).startsWith("mail-client 127.0.0.1:" + nobody + "  DOWN connection refused");
            });
            // A later frame has other RTT figures (the clock in the header moves too).
            String[] first = row(frame.get(), stamp).trim().split(" +");
            within(Duration.ofSeconds(30)).untilAsserted(() -> {
                String[] now = row(tmux.capture(), stamp).trim().split(" +");
                assertThat(List.of(now).subList(2, 9)).isNotEqualTo(List.of(first).subList(2, 9));
            });
            // The lab's sparkline shows lost probes with their own glyph.
            List<String> rows = tmux.capture();
            String sparkline = rows.get(rows.indexOf(row(rows, lab)) + 1);
            assertThat(sparkline).containsAnyOf("\u00d7", "x");

            tmux.resize(100, 30);
            within(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<String> resized = tmux.capture();
                assertThat(resized.size()).isGreaterThanOrEqualTo(30);
                assertThat(resized.get(29)).startsWith("mail-client");
                // The key hints end one blank before the right edge, at the new width.
                assertThat(resized.getFirst().stripTrailing()).hasSize(99).endsWith("j/k scroll");
            });

            webServer.terminate(Duration.ofSeconds(30));
            within(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(row(tmux.capture(), "web-server")).contains("DOWN"));

            tmux.sendKeys("p");
            within(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(tmux.capture().getFirst()).contains("PAUSED"));

            tmux.sendKeys("q");
            within(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(exit).exists());
            assertThat(Files.readString(exit).trim()).isEqualTo("0");
        }
    }

    @Test
    void whenStandardOutputIsNotATerminalOneFramePrintsAsPlainText() throws Exception {
        try (ServiceProcess watch = ServiceProcess.startJar(WATCH, List.of("--interval", "200ms",
                "--admin", "ping-client=127.0.0.1:" + pingClientAdmin,
                "--admin", "ping-server=127.0.0.1:" + pingServerPorts.get("admin"),
                "--admin", "web-server=127.0.0.1:" + nobody,
                "--admin", "mail-client=127.0.0.1:" + nobody), Map.of())) {
            assertThat(watch.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(watch.stdout()).doesNotContain("\u001b").contains("127.0.0.1:" + pingServerPorts.get("lab"))
                    .contains("web-server 127.0.0.1:" + nobody + "  DOWN connection refused");
            assertThat(watch.stderr()).isEmpty();
        }
    }

    @Test
    void onceAsJsonGivesTheSameFiguresToScripts() throws Exception {
        try (ServiceProcess watch = ServiceProcess.startJar(WATCH, List.of("--once", "--format", "json",
                "--interval", "200ms",
                "--admin", "ping-client=127.0.0.1:" + pingClientAdmin,
                "--admin", "ping-server=127.0.0.1:" + pingServerPorts.get("admin"),
                "--admin", "web-server=127.0.0.1:" + nobody,
                "--admin", "mail-client=127.0.0.1:" + nobody), Map.of())) {
            assertThat(watch.awaitExit(Duration.ofSeconds(60))).isZero();
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(watch.stdout());
            var services = json.get("services");
            assertThat(services.get("ping-client").get("status").asText()).isEqualTo("up");
            assertThat(services.get("ping-client").get("targets").get(0).get("recent").isArray()).isTrue();
            assertThat(services.get("ping-server").get("listeners").get(0).has("received_per_second")).isTrue();
            assertThat(services.get("mail-client").get("status").asText()).isEqualTo("down");
            assertThat(services.get("mail-client").get("reason").asText()).isEqualTo("connection refused");
        }
    }

    @Test
    void nothingUpExitsThreeAndABadOptionTwo() throws IOException, InterruptedException {
        List<String> allDown = List.of("--once", "--interval", "100ms", "--admin", "ping-client=127.0.0.1:" + nobody,
                "--admin", "ping-server=127.0.0.1:" + nobody, "--admin", "web-server=127.0.0.1:" + nobody,
                "--admin", "mail-client=127.0.0.1:" + nobody);
        try (ServiceProcess down = ServiceProcess.startJar(WATCH, allDown, Map.of());
             ServiceProcess bad = ServiceProcess.startJar(WATCH, List.of("--admin", "dns=1.2.3.4:53"), Map.of())) {
            assertThat(down.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
            assertThat(bad.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(bad.stderr()).isEqualTo("watch: --admin: unknown service 'dns' (ping-client, ping-server,"
                    + " web-server, mail-client) (see --help)\n");
        }
    }
}

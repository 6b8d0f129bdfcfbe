package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built jar as a process: the sample site, curl, the admin socket, the start line and the exit codes. */
class WebServerIT {

    private static final Path JAR = Path.of("target/web-server.jar");
    private static final Path SITE = Path.of("www");
    private static final Duration START = Duration.ofSeconds(60);
    private static final Map<String, String> ADMIN_ANY_PORT = Map.of("ADMIN_PORT", "0");

    @Test
    void servesTheSampleSiteToCurlAndCountsItOnTheAdminSocket() throws Exception {
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("--root", SITE.toString(), "--port", "0"),
                ADMIN_ANY_PORT)) {
            String line = process.awaitStartLine(START);
            assertThat(line).matches("web-server started in \\d+ ms: web=tcp/127\\.0\\.0\\.1:\\d+ admin=tcp/127\\.0\\.0\\.1:\\d+");
            Map<String, Integer> ports = process.ports(START);

            String page = curl("http://127.0.0.1:" + ports.get("web") + "/HelloWorld.html");
            assertThat(page).contains("Congratulations! The Web Server is working fine!");
            assertThat(curl("http://127.0.0.1:" + ports.get("web") + "/")).contains("href=\"HelloWorld.html\"");

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("admin") + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build();
            // A request is counted once its answer is written: curl may have read it first.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            PrometheusText.Scrape metrics;
            do {
                metrics = PrometheusText.parse(http.send(scrape, HttpResponse.BodyHandlers.ofString()).body());
            } while (metrics.valueOf("webserver_requests_total", "method", "GET", "status", "200") < 2
                    && System.nanoTime() < deadline);
            assertThat(metrics.valueOf("webserver_requests_total", "method", "GET", "status", "200")).isEqualTo(2);
            assertThat(metrics.valueOf("webserver_timeouts_total", "kind", "idle")).isZero();

            assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void bindSetsEveryListenersAddress() throws Exception {
        try (ServiceProcess process = ServiceProcess.startJar(JAR,
                List.of("--root", SITE.toString(), "--port", "0", "--bind", "127.0.0.2"), ADMIN_ANY_PORT)) {
            assertThat(process.awaitStartLine(START))
                    .matches("web-server started in \\d+ ms: web=tcp/127\\.0\\.0\\.2:\\d+ admin=tcp/127\\.0\\.0\\.2:\\d+");
            int port = process.ports(START).get("web");
            assertThat(curl("http://127.0.0.2:" + port + "/HelloWorld.html")).contains("Congratulations");
            assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void aRootThatIsNotADirectoryIsAConfigurationErrorNamingTheKey() throws Exception {
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("--root", "no/such/dir", "--port", "0"),
                ADMIN_ANY_PORT)) {
            assertThat(process.awaitExit(START)).isEqualTo(2);
            assertThat(process.stderr().strip()).contains("webserver.root").contains("no/such/dir").doesNotContain("\n");
        }
    }

    @Test
    void aPortOutOfRangeIsAConfigurationError() throws Exception {
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("--port", "70000"), ADMIN_ANY_PORT)) {
            assertThat(process.awaitExit(START)).isEqualTo(2);
            assertThat(process.stderr()).contains("webserver.port");
        }
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("--port", "eighty"), ADMIN_ANY_PORT)) {
            assertThat(process.awaitExit(START)).isEqualTo(2);
            assertThat(process.stderr()).contains("--port");
        }
    }

    @Test
    void aBusyPortIsARuntimeFailureNamingTheListener() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             ServiceProcess process = ServiceProcess.startJar(JAR,
                     List.of("--root", SITE.toString(), "--port", Integer.toString(busy.getLocalPort())),
                     ADMIN_ANY_PORT)) {
            assertThat(process.awaitExit(START)).isEqualTo(1);
            assertThat(process.stderr()).contains("cannot bind web=tcp/127.0.0.1:" + busy.getLocalPort());
        }
    }

    @Test
    void theSampleSiteHasTheLabsPage() throws IOException {
        assertThat(Files.readString(SITE.resolve("HelloWorld.html")))
                .contains("<p>Congratulations! The Web Server is working fine!</p>");
        assertThat(Files.readString(SITE.resolve("index.html"))).contains("HelloWorld.html");
    }

    private static String curl(String url) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "--silent", "--show-error", "--fail", "--max-time", "10", url)
                .redirectErrorStream(true).start();
        try {
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(curl.exitValue()).as(out).isZero();
            return out;
        } finally {
            curl.destroyForcibly();
        }
    }
}

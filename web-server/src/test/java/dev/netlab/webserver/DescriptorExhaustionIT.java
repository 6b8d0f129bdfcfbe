package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The built jar under a low descriptor limit (RLIMIT_NOFILE through prlimit): more connections than descriptors are
 * held open and closed again; the server keeps its admin socket answering and serves again by itself.
 */
class DescriptorExhaustionIT {

    private static final Path JAR = Path.of("target/web-server.jar");
    private static final int DESCRIPTOR_LIMIT = 256;
    private static final int CONNECTIONS = 2 * DESCRIPTOR_LIMIT;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    // Generous: a cold admin socket's first JSON answer can take seconds on a loaded machine.
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void moreConnectionsThanDescriptorsAreRefusedOrWaitAndServiceResumesByItself() throws Exception {
        try (ServiceProcess process = startUnderTheLimit()) {
            Map<String, Integer> ports = process.ports(START);
            int web = ports.get("web");
            int admin = ports.get("admin");
            assertThat(webStatus(web)).isEqualTo(200);

            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    held.add(connect(web));
                }
                // Every connection leaves the backlog: served (held open) or refused with 503; none is lost.
                Poll.until(SETTLE, "all " + CONNECTIONS + " connections accepted or refused", () -> {
                    PrometheusText.Scrape scrape = scrape(admin);
                    return scrape != null && scrape.valueOf("webserver_connections_active")
                            + scrape.valueOf("webserver_connections_refused_total") >= CONNECTIONS;
                });
                assertThat(status(admin, "/health/ready"))
                        .as("admin socket while the connections are held; stderr: %s", process.stderr())
                        .isEqualTo(200);
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }

            Poll.until(SETTLE, "the web listener serves again", () -> webStatus(web) == 200);
            assertThat(status(admin, "/health/ready")).isEqualTo(200);
            assertThat(process.process().isAlive()).isTrue();
            assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
            // No line per refused connection: a flood of connections is not a flood of log lines.
            assertThat(process.stderr().lines().count()).as(process.stderr()).isLessThan(10);
        }
    }

    @Test
    void anAcceptThatFailsForWantOfDescriptorsIsRetriedUntilDescriptorsAreFree() throws Exception {
        try (ServiceProcess process = startUnderTheLimit()) {
            Map<String, Integer> ports = process.ports(START);
            int web = ports.get("web");
            int admin = ports.get("admin");
            Path descriptors = Path.of("/proc", Long.toString(process.process().pid()), "fd");
            List<Socket> adminHeld = new ArrayList<>();
            List<Socket> webHeld = new ArrayList<>();
            try {
                // Connections to the admin socket take the descriptors the web listener counted on, until fewer
                // are left than its connection limit needs: its accept then fails for real (EMFILE). At this limit
                // the web listener takes a few dozen connections (256 less those in use at its start and
                // DescriptorBudget's reserve of 144, halved), so the spare must be fewer.
                long spare = 16;
                for (long i = count(descriptors); i < DESCRIPTOR_LIMIT - spare; i++) {
                    adminHeld.add(connect(admin));
                }
                // The admin socket's own check of its listener takes two descriptors at times.
                Poll.until(SETTLE, "the admin socket accepts",
                        () -> count(descriptors) >= DESCRIPTOR_LIMIT - spare - 2);
                for (int i = 0; i < CONNECTIONS; i++) {
                    webHeld.add(connect(web));
                }
                Poll.until(SETTLE, "the process out of descriptors",
                        () -> count(descriptors) >= DESCRIPTOR_LIMIT - 1);
                // An admin connection now: Helidon's accept fails for want of a descriptor, and its listener ends.
                connect(admin).close();
            } finally {
                for (Socket socket : webHeld) {
                    socket.close();
                }
            }
            Poll.until(SETTLE, "the web listener serves again", () -> webStatus(web) == 200);
            for (Socket socket : adminHeld) {
                socket.close();
            }
            Poll.until(SETTLE, "the admin socket answers again", () -> status(admin, "/health/ready") == 200);
            PrometheusText.Scrape scrape = scrape(admin);
            assertThat(scrape).isNotNull();
            assertThat(scrape.valueOf("webserver_accept_failures_total")).isPositive();
            assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
            // Thousands of failed accepts, a few rate-limited lines.
            assertThat(process.stderr().lines().filter(line -> line.contains("accept failed")).count())
                    .as(process.stderr()).isBetween(1L, 3L);
        }
    }

    /** The jar under RLIMIT_NOFILE = {@link #DESCRIPTOR_LIMIT}, both listeners on port 0. */
    private static ServiceProcess startUnderTheLimit() throws IOException {
        List<String> command = List.of("prlimit", "--nofile=" + DESCRIPTOR_LIMIT + ":" + DESCRIPTOR_LIMIT,
                ServiceProcess.javaBinary(), "-jar", JAR.toString(), "--root", "www", "--port", "0");
        // Held connections must not end by the head timeout while the test holds them.
        return ServiceProcess.start(command, Map.of("ADMIN_PORT", "0", "WEBSERVER_TIMEOUTS_HEAD", "120s"), null);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    /** Open descriptors of the process (-1 when it is gone). */
    private static long count(Path descriptors) {
        try (Stream<Path> entries = Files.list(descriptors)) {
            return entries.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The status of a GET of the lab's page on a connection of its own, or -1 when there is no answer. */
    private static int webStatus(int port) {
        try {
            return RawHttp.get(port, "/HelloWorld.html").status();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The status of a GET when there is no answer (refused, reset, empty reply, timeout). */
    private int status(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(ANSWER).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private PrometheusText.Scrape scrape(int admin) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics"))
                .timeout(ANSWER).build();
        try {
            return PrometheusText.parse(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}

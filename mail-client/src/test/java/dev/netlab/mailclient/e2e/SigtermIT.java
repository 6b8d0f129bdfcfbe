package dev.netlab.mailclient.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RefusingPort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the real service process in the middle of delivering: it exits 0, and after a restart every accepted
 * message reaches the relay once: nothing is lost to the stop, and nothing the relay took is sent again.
 */
class SigtermIT {

    private static final Path JAR = Path.of("target/mail-client.jar");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int MESSAGES = 100;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aSigtermMidDeliveryExitsZeroAndLosesNothing() throws Exception {
        Path outbox = dir.resolve("outbox");
        RefusingPort relayDown = RefusingPort.open();
        int relayPort = relayDown.port();
        Path config = Files.writeString(dir.resolve("mail.yaml"), """
                admin:
                  port: 0
                lifecycle:
                  drain-timeout: 10s
                mailclient:
                  relay:
                    server: "127.0.0.1:%d"
                    tls: none
                  outbox:
                    dir: "%s"
                  retry:
                    initial-backoff: 100ms
                    max-backoff: 200ms
                  delivery:
                    concurrency: 2
                """.formatted(relayPort, outbox));
        Set<String> recipients = new HashSet<>();
        try (relayDown;
             ServiceProcess first = ServiceProcess.startJar(JAR, List.of("--config", config.toString()), Map.of())) {
            int admin = first.ports(WAIT).get("admin");
            for (int i = 0; i < MESSAGES; i++) {
                String to = "r" + i + "@example.org";
                recipients.add(to);
                HttpResponse<String> response = post(admin, "{\"from\":\"a@example.org\",\"to\":[\"" + to
                        + "\"],\"subject\":\"sigterm " + i + "\"}");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            }
            relayDown.close();
            // A slow relay (50 ms per message): the stop falls in the middle of the deliveries.
            try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(relayPort, r -> 250, Duration.ofMillis(50))) {
                await().atMost(WAIT).until(() -> relay.received().size() >= 5);
                first.sigterm();
                assertThat(first.awaitExit(WAIT)).as(first.stderr()).isZero();
                assertThat(relay.received().size()).as("stopped mid-delivery").isLessThan(MESSAGES);
                assertThat(queueSize(outbox)).isPositive();

                try (ServiceProcess second = ServiceProcess.startJar(JAR, List.of("--config", config.toString()),
                        Map.of())) {
                    second.ports(WAIT);
                    await().atMost(WAIT).until(() -> queueSize(outbox) == 0);
                    List<String> arrived = relay.received().stream().flatMap(r -> r.recipients().stream()).toList();
                    assertThat(new HashSet<>(arrived)).containsAll(recipients);
                    // A clean stop recorded what the relay took: no message went twice.
                    assertThat(arrived).doesNotHaveDuplicates();
                    assertThat(second.terminate(WAIT)).as(second.stderr()).isZero();
                }
            }
        }
    }

    private HttpResponse<String> post(int port, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/messages"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long queueSize(Path outbox) throws IOException {
        try (Stream<Path> files = Files.list(outbox.resolve("queue"))) {
            return files.count();
        }
    }
}

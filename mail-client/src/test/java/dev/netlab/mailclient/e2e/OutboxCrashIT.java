package dev.netlab.mailclient.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RefusingPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety with real processes: 200 messages accepted while the relay is down, the relay comes up, the service
 * is killed with SIGKILL in the middle of delivering them, restarted, and the relay ends up with every Message-ID
 * while the outbox empties. A corrupt file and a cut segment placed in the outbox are put aside and block nothing.
 * Also batches accepted while the relay takes them (delivered from the bytes kept in memory), killed mid-delivery:
 * after the restart every recipient has its message.
 */
class OutboxCrashIT {

    private static final Path JAR = Path.of("target/mail-client.jar");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern MESSAGE_ID = Pattern.compile("(?m)^Message-ID: (<[^>]+>)\r?$");
    private static final int MESSAGES = 200;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private Path config(int relayPort, Path outbox) throws IOException {
        return Files.writeString(dir.resolve("mail.yaml"), """
                admin:
                  port: 0
                lifecycle:
                  drain-timeout: 5s
                mailclient:
                  relay:
                    server: "127.0.0.1:%d"
                    tls: none
                  outbox:
                    dir: "%s"
                  retry:
                    initial-backoff: 100ms
                    max-backoff: 500ms
                  delivery:
                    concurrency: 4
                """.formatted(relayPort, outbox));
    }

    @Test
    void batchesDeliveredFromMemoryAllReachTheRelayAfterAKillDashNineMidDelivery() throws Exception {
        Path outbox = dir.resolve("outbox");
        int relayPort = freePort();
        Path config = config(relayPort, outbox);
        Set<String> recipients = new HashSet<>();
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(relayPort, r -> 250, Duration.ofMillis(15))) {
            try (ServiceProcess first = ServiceProcess.startJar(JAR, List.of("--config", config.toString()),
                    Map.of())) {
                int admin = first.ports(WAIT).get("admin");
                // The relay takes them as they come: each is claimed from the bytes the API kept in memory.
                for (int b = 0; b < 4; b++) {
                    StringBuilder batch = new StringBuilder("[");
                    for (int i = 0; i < MESSAGES / 4; i++) {
                        String to = "b" + (b * (MESSAGES / 4) + i) + "@example.org";
                        recipients.add(to);
                        batch.append(i == 0 ? "" : ",").append("{\"from\":\"a@example.org\",\"to\":[\"")
                                .append(to).append("\"],\"subject\":\"batch ").append(b).append("\"}");
                    }
                    HttpResponse<String> response = post(admin, "/api/messages/batch", batch.append("]").toString());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                }
                await().atMost(WAIT).until(() -> relay.received().size() >= MESSAGES / 4);
                first.process().destroyForcibly();
                assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(relay.received().size()).as("killed mid-delivery").isLessThan(MESSAGES);
            }
            try (ServiceProcess second = ServiceProcess.startJar(JAR, List.of("--config", config.toString()),
                    Map.of())) {
                second.ports(WAIT);
                await().atMost(WAIT).until(() -> queueSize(outbox) == 0);
                Set<String> arrived = new HashSet<>();
                relay.received().forEach(r -> arrived.addAll(r.recipients()));
                assertThat(arrived).containsAll(recipients);
                assertThat(second.terminate(WAIT)).as(second.stderr()).isZero();
            }
        }
    }

    @Test
    void everyAcceptedMessageReachesTheRelayAfterAKillDashNineMidDelivery() throws Exception {
        Path outbox = dir.resolve("outbox");
        // The relay is down at first: its port is held, refusing, until the relay takes it over. A port found by
        // binding and closing could be taken meanwhile, by one of the client's own connection attempts too.
        RefusingPort relayDown = RefusingPort.open();
        int relayPort = relayDown.port();
        Path config = config(relayPort, outbox);
        Set<String> accepted = new HashSet<>();
        try (relayDown;
             ServiceProcess first = ServiceProcess.startJar(JAR, List.of("--config", config.toString()), Map.of())) {
            int admin = first.ports(WAIT).get("admin");
            for (int i = 0; i < MESSAGES; i++) {
                HttpResponse<String> response = post(admin, "/api/messages", "{\"from\":\"a@example.org\",\"to\":[\"b" + i
                        + "@example.org\"],\"subject\":\"crash " + i + "\",\"text\":\"body " + i + "\"}");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            }
            // The relay is down: every message is still in the queue; their Message-IDs are what must arrive.
            accepted.addAll(messageIds(outbox.resolve("queue")));
            assertThat(accepted).hasSize(MESSAGES);
            // main pins Helidon's global mapper before Helidon looks one up: set any later, Helidon warns.
            assertThat(first.stderr() + first.stdout()).doesNotContain("Mappers");

            relayDown.close();
            try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(relayPort, r -> 250, Duration.ofMillis(15))) {
                await().atMost(WAIT).until(() -> relay.received().size() >= MESSAGES / 4);
                first.process().destroyForcibly();
                assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                int before = relay.received().size();
                assertThat(before).as("killed mid-delivery").isLessThan(MESSAGES);

                // A truncated file of the old one-file layout, and a segment whose only frame is cut short.
                Files.writeString(outbox.resolve("queue").resolve("0000000000000-00000000deadbeef.msg"),
                        "netlab-outbox 1 {\"id\":\"trunc");
                Files.writeString(outbox.resolve("queue").resolve("0000000000000-00000000deadbeef.seg"),
                        "NLR1\0\0\u0001\0cut short");
                try (ServiceProcess second = ServiceProcess.startJar(JAR, List.of("--config", config.toString()),
                        Map.of())) {
                    int admin2 = second.ports(WAIT).get("admin");
                    await().atMost(WAIT).until(() -> queueSize(outbox) == 0);
                    Set<String> arrived = new HashSet<>();
                    relay.received().forEach(r -> arrived.addAll(messageIds(r.data())));
                    assertThat(arrived).containsAll(accepted);
                    assertThat(outbox.resolve("corrupt").resolve("0000000000000-00000000deadbeef.msg")).exists();
                    assertThat(outbox.resolve("corrupt").resolve("0000000000000-00000000deadbeef.seg@0")).exists();
                    PrometheusText.Scrape scrape = PrometheusText.parse(get(admin2, "/metrics").body());
                    assertThat(scrape.valueOf("mailclient_outbox_corrupt_files_total")).isEqualTo(2);
                    assertThat(scrape.valueOf("mailclient_outbox_messages")).isZero();
                    assertThat(second.terminate(WAIT)).as(second.stderr()).isZero();
                    assertThat(second.stderr()).contains("moved 0000000000000-00000000deadbeef.msg to corrupt/",
                            "moved 0000000000000-00000000deadbeef.seg@0 to corrupt/");
                }
            }
        }
    }

    private HttpResponse<String> post(int port, String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static long queueSize(Path outbox) throws IOException {
        try (Stream<Path> files = Files.list(outbox.resolve("queue"))) {
            return files.count();
        }
    }

    private static Set<String> messageIds(Path queue) throws IOException {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> files = Files.list(queue)) {
            for (Path file : files.toList()) {
                ids.addAll(messageIds(Files.readAllBytes(file)));
            }
        }
        return ids;
    }

    private static Set<String> messageIds(byte[] data) {
        Set<String> ids = new HashSet<>();
        Matcher m = MESSAGE_ID.matcher(new String(data, StandardCharsets.UTF_8));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}

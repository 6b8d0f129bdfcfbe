package dev.netlab.mailclient.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.testing.PrometheusText;
import dev.netlab.kit.testing.ServiceProcess;
import dev.netlab.mailclient.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar, {@code send} and the service's API, through a real Exim with STARTTLS and AUTH, read back from the maildir. */
class EximEndToEndIT {

    private static final Path JAR = Path.of("target/mail-client.jar");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static EximServer exim;
    private static Path caFile;

    @BeforeAll
    static void startExim() throws Exception {
        TestPki pki = TestPki.create("Exim Test CA");
        caFile = pki.writeCaPem(dir.resolve("ca.pem"));
        exim = EximServer.start(dir, pki.issueRsa("localhost", true));
    }

    @AfterAll
    static void stopExim() {
        if (exim != null) {
            exim.close();
        }
    }

    private static ServiceProcessResult send(Map<String, String> env, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("send", "--server", "localhost:" + exim.port(), "--ca-file",
                caFile.toString(), "--user", EximServer.USER, "--password-env", "SMTP_PASSWORD", "--from",
                "alice@example.org", "--timeout", "30s"));
        args.addAll(List.of(extra));
        try (ServiceProcess process = ServiceProcess.startJar(JAR, args, env)) {
            int code = process.awaitExit(WAIT);
            return new ServiceProcessResult(code, process.stdout(), process.stderr());
        }
    }

    record ServiceProcessResult(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @Test
    void authPlainOverStartTlsDeliversIntoTheMaildir() throws Exception {
        Path body = Files.writeString(dir.resolve("body.txt"), "Hello through Exim.\n.a line with a leading dot\n");
        ServiceProcessResult result = send(Map.of("SMTP_PASSWORD", EximServer.PASSWORD), "--to", "bob@example.org",
                "--bcc", "hidden@example.org", "--subject", "Exim marker PLAIN", "--body-file", body.toString());
        assertThat(result.exitCode()).as(result + exim.mainLog()).isZero();
        assertThat(result.out()).contains("~> AUTH PLAIN <redacted>", "<~  235", "250 OK id=");
        String delivered = exim.awaitDelivered("Exim marker PLAIN", WAIT)
                .orElseThrow(() -> new AssertionError("nothing delivered" + exim.mainLog()));
        assertThat(delivered).contains("From: alice@example.org", "To: bob@example.org",
                "\n\nHello through Exim.\n.a line with a leading dot\n");
        // Bcc is in the envelope only: Exim's Envelope-to names the recipient, no header of the message does.
        assertThat(delivered.substring(delivered.indexOf("\nDate:"))).doesNotContain("hidden@");
        assertThat(delivered).containsPattern("Received: from .*\\n.*with esmtpsa");
        assertThat(result.out() + result.err()).doesNotContain(EximServer.PASSWORD);
    }

    @Test
    void authLoginForcedAlsoDelivers() throws Exception {
        ServiceProcessResult result = send(Map.of("SMTP_PASSWORD", EximServer.PASSWORD), "--auth", "login",
                "--to", "bob@example.org", "--subject", "Exim marker LOGIN", "--body", "login body");
        assertThat(result.exitCode()).as(result + exim.mainLog()).isZero();
        assertThat(result.out()).contains("~> AUTH LOGIN", "~> <redacted>");
        assertThat(exim.awaitDelivered("Exim marker LOGIN", WAIT)).isPresent();
    }

    @Test
    void aWrongPasswordExits28AndAnUntrustedCertificateExits29() throws Exception {
        ServiceProcessResult wrong = send(Map.of("SMTP_PASSWORD", "not-the-password"), "--to", "bob@example.org");
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(28);
        assertThat(wrong.err()).contains("*** authentication failed: 535");

        List<String> args = new ArrayList<>(List.of("send", "--server", "localhost:" + exim.port(), "--user",
                EximServer.USER, "--password-env", "SMTP_PASSWORD", "--from", "alice@example.org", "--to",
                "bob@example.org", "--timeout", "30s"));
        try (ServiceProcess process = ServiceProcess.startJar(JAR, args,
                Map.of("SMTP_PASSWORD", EximServer.PASSWORD))) {
            assertThat(process.awaitExit(WAIT)).as(process.stdout()).isEqualTo(29);
            assertThat(process.stderr()).contains("*** TLS handshake failed: certificate not trusted");
            assertThat(process.stdout()).doesNotContain("AUTH");
        }
    }

    @Test
    void withoutCredentialsEximRefusesToRelayAndTheCommandExits24() throws Exception {
        List<String> args = List.of("send", "--server", "localhost:" + exim.port(), "--ca-file", caFile.toString(),
                "--from", "alice@example.org", "--to", "bob@example.org", "--timeout", "30s");
        try (ServiceProcess process = ServiceProcess.startJar(JAR, args, Map.of())) {
            assertThat(process.awaitExit(WAIT)).as(process.stdout()).isEqualTo(24);
            assertThat(process.stdout()).contains("relay not permitted");
        }
    }

    @Test
    void aMessagePostedToTheServiceApiArrivesInTheMaildirAndTheReplyCountersShowTheDialogue() throws Exception {
        Path config = Files.writeString(dir.resolve("service.yaml"), """
                admin:
                  port: 0
                mailclient:
                  relay:
                    server: "localhost:%d"
                    tls: starttls
                    ca-file: "%s"
                    user: "%s"
                    password-env: SMTP_PASSWORD
                  outbox:
                    dir: "%s"
                """.formatted(exim.port(), caFile, EximServer.USER, dir.resolve("outbox")));
        try (ServiceProcess service = ServiceProcess.startJar(JAR, List.of("--config", config.toString()),
                Map.of("SMTP_PASSWORD", EximServer.PASSWORD))) {
            int admin = service.ports(WAIT).get("admin");
            assertThat(service.awaitStartLine(WAIT)).contains("relay=smtp/localhost:" + exim.port());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + admin + "/api/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"alice@example.org\","
                            + "\"to\":[\"bob@example.org\"],\"subject\":\"Exim marker API\","
                            + "\"text\":\"posted to the API\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            String delivered = exim.awaitDelivered("Exim marker API", WAIT)
                    .orElseThrow(() -> new AssertionError("nothing delivered" + exim.mainLog()));
            assertThat(delivered).contains("From: alice@example.org", "To: bob@example.org", "posted to the API");
            String id = new ObjectMapper().readTree(posted.body()).get("id").asText();
            Supplier<String> state = () -> get(http, admin, "/api/messages/" + id);
            await().atMost(WAIT).until(state::get, s -> s.contains("\"status\":\"sent\""));
            assertThat(state.get()).contains("\"queue_id\":\"250 OK id=", "AUTH PLAIN <redacted>")
                    .doesNotContain(EximServer.PASSWORD);
            PrometheusText.Scrape scrape = await().atMost(WAIT)
                    .until(() -> PrometheusText.parse(get(http, admin, "/metrics")),
                            m -> m.valueOf("mailclient_smtp_replies_total", "command", "QUIT", "code", "221") == 1
                                    && m.valueOf("mailclient_messages_total", "outcome", "sent") == 1);
            for (String[] reply : new String[][] {{"GREETING", "220"}, {"STARTTLS", "220"}, {"AUTH", "235"},
                    {"MAIL", "250"}, {"RCPT", "250"}, {"DATA", "354"}, {"DOT", "250"}}) {
                assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", reply[0], "code", reply[1]))
                        .as(reply[0]).isEqualTo(1);
            }
            // EHLO twice: in the clear, then again under TLS (RFC 3207).
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "EHLO", "code", "250")).isEqualTo(2);
            assertThat(scrape.valueOf("mailclient_messages_total", "outcome", "sent")).isEqualTo(1);
            assertThat(service.terminate(WAIT)).as(service.stderr()).isZero();
        }
    }

    private static String get(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.RunningMailService;
import dev.netlab.mailclient.testing.ScriptedSmtpServer;
import dev.netlab.mailclient.testing.TestPki;
import java.io.IOException;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay password and the API token appear nowhere the service writes: logs (every level), transcripts, listings,
 * metrics, refusals; not when AUTH fails, and not when the relay's certificate is untrusted (then AUTH is never sent).
 */
class SecretsTest {

    private static final String PASSWORD = "hunter2-relay-password";
    private static final String TOKEN = "api-token-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final CapturedLogs logs = new CapturedLogs();
    private final TestPki pki = TestPki.create("secrets CA");
    private final TestPki.Issued certificate = pki.issue("localhost", true);

    @BeforeEach
    void captureLogs() {
        logs.install();
    }

    @AfterEach
    void releaseLogs() {
        logs.uninstall();
    }

    /** The secrets as they could leak: plain, and base64 as AUTH PLAIN and LOGIN put them on the wire. */
    private static List<String> forms() {
        Base64.Encoder b64 = Base64.getEncoder();
        return List.of(PASSWORD, TOKEN, b64.encodeToString(("\0alice\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)));
    }

    private RunningMailService start(ScriptedSmtpServer relay, Path trustedCa) throws IOException {
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        return RunningMailService.start(Map.of("mailclient.outbox.dir", dir.resolve("outbox").toString(),
                "mailclient.relay.server", "localhost:" + relay.port(), "mailclient.relay.ca-file",
                trustedCa.toString(), "mailclient.relay.user", "alice", "mailclient.relay.password-file",
                password.toString(), "mailclient.relay.auth", "plain", "mailclient.api.token-file", token.toString(),
                "mailclient.retry.initial-backoff", "1h", "mailclient.retry.max-backoff", "1h"),
                Resolver.system(), Clock.systemUTC());
    }

    /** Posts one message with the token and returns everything the service then shows about it. */
    private static String everythingShown(RunningMailService service) throws Exception {
        HttpResponse<String> accepted = service.post(message("a@example.org", "b@example.org", "secret?"),
                Optional.of(TOKEN));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = RunningMailService.json(accepted).get("id").asText();
        JsonNode state = await().atMost(WAIT).until(() -> RunningMailService.json(
                service.get("/api/messages/" + id, Optional.of(TOKEN))), m -> !m.get("status").asText()
                .matches("queued|sending"));
        List<String> shown = new ArrayList<>(List.of(state.toString(),
                service.get("/api/messages", Optional.of(TOKEN)).body(), service.get("/metrics").body(),
                service.get("/health/ready").body(),
                service.get("/api/messages/" + id, Optional.of(TOKEN.substring(1))).body(),
                service.post("{}", Optional.of(TOKEN + "x")).body()));
        return String.join("\n", shown);
    }

    @Test
    void aRefusedAuthenticationShowsNoSecretAnywhere() throws Exception {
        Path ca = pki.writeCaPem(dir.resolve("ca.pem"));
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start(
                c -> c.refuseAuthenticationAfterStartTls(certificate.serverContext()));
             RunningMailService service = start(relay, ca)) {
            String shown = everythingShown(service);
            relay.awaitScript();
            // The secret did go to the relay, in AUTH PLAIN under TLS: the test exercised the path that holds it.
            assertThat(relay.lines()).anyMatch(l -> l.startsWith("AUTH PLAIN ") && l.contains(forms().get(2)));
            assertThat(shown).contains("535 5.7.8").contains("AUTH PLAIN <redacted>");
            for (String secret : forms()) {
                assertThat(shown).doesNotContain(secret);
                assertThat(logs.text()).doesNotContain(secret);
            }
        }
    }

    @Test
    void anUntrustedRelayCertificateEndsTheSessionBeforeAuthAndShowsNoSecret() throws Exception {
        // The service trusts another CA: the relay's certificate cannot be verified.
        Path otherCa = TestPki.create("not the relay's CA").writeCaPem(dir.resolve("other-ca.pem"));
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start(c -> {
            c.greet("250-localhost", "250-AUTH PLAIN LOGIN", "250 STARTTLS");
            c.readLine();
            c.reply("220 2.0.0 go ahead");
            try {
                c.startTls(certificate.serverContext());
            } catch (SSLException | SocketException e) {
                // The client refused the certificate, what this test wants: its alert came, or it closed while this
                // side still wrote its handshake flight (a broken pipe).
                return;
            }
            c.drain();
        }); RunningMailService service = start(relay, otherCa)) {
            String shown = everythingShown(service);
            relay.awaitScript();
            assertThat(relay.lines()).containsExactly("EHLO [127.0.0.1]", "STARTTLS");
            assertThat(new String(relay.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain("AUTH");
            assertThat(shown).contains("certificate");
            for (String secret : forms()) {
                assertThat(shown).doesNotContain(secret);
                assertThat(logs.text()).doesNotContain(secret);
            }
        }
    }

    /** Every log record of the process while a test runs, formatted with its stack trace, at every level. */
    private static final class CapturedLogs extends Handler {
        private final StringBuffer text = new StringBuffer();
        private final SimpleFormatter formatter = new SimpleFormatter();
        private final Logger root = Logger.getLogger("");
        // Strong references: a logger only referenced weakly forgets its level when collected.
        private final Map<Logger, Level> levels = new HashMap<>();

        /** Every logger at ALL, whatever an earlier test or the service's own logging set (Helidon at WARNING). */
        void install() {
            for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
                Logger logger = Logger.getLogger(name);
                levels.put(logger, logger.getLevel());
                logger.setLevel(Level.ALL);
            }
            for (String name : List.of("", "io.helidon", "dev.netlab")) {
                Logger logger = Logger.getLogger(name);
                levels.putIfAbsent(logger, logger.getLevel());
                logger.setLevel(Level.ALL);
            }
            setLevel(Level.ALL);
            root.addHandler(this);
        }

        void uninstall() {
            root.removeHandler(this);
            levels.forEach(Logger::setLevel);
        }

        String text() {
            return text.toString();
        }

        @Override
        public void publish(LogRecord record) {
            text.append(formatter.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}

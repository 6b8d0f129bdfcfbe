package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RunningMailService;
import dev.netlab.mailclient.testing.ScriptedSmtpServer;
import dev.netlab.mailclient.testing.TestPki;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relays that refuse the session or break the protocol: postfix defers there (a 5xx greeting, a lying 250 to DATA,
 * a refused AUTH), so a message must not fail for good because of them; a refused greeting first sends it to the
 * relay's next address.
 */
class LyingRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Map<String, String> relayedTo(ScriptedSmtpServer relay, String... more) {
        Map<String, String> settings = new HashMap<>(Map.of("mailclient.outbox.dir", dir.resolve("outbox").toString(),
                "mailclient.relay.server", "127.0.0.1:" + relay.port(), "mailclient.relay.tls", "none",
                // One attempt per test: the retry would find no scripted server.
                "mailclient.retry.initial-backoff", "1h", "mailclient.retry.max-backoff", "1h"));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    private static JsonNode settled(RunningMailService service, String id) {
        return await().atMost(WAIT).until(() -> service.message(id),
                m -> m.get("status").asText().matches("deferred|failed|sent"));
    }

    @Test
    void a5xxGreetingDefersTheMessageInsteadOfFailingIt() throws Exception {
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start(c -> {
            c.reply("554 5.3.2 not now, too busy");
            c.drain();
        }); RunningMailService service = RunningMailService.start(relayedTo(relay), Resolver.system(),
                Clock.systemUTC())) {
            String id = service.accepted(message("a@example.org", "b@example.org", "greeted with 554"));
            JsonNode state = settled(service, id);
            assertThat(state.get("status").asText()).as(state.toString()).isEqualTo("deferred");
            assertThat(state.get("last_reply").asText()).startsWith("554");
            assertThat(state.get("attempts").asInt()).isEqualTo(1);
        }
    }

    /** relay.test: 127.0.0.2 first, then 127.0.0.1 (both loopback on Linux), on the port of the server at the second. */
    private static final Resolver TWO_ADDRESSES = host -> {
        assertThat(host).isEqualTo("relay.test");
        return List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"));
    };

    private Map<String, String> relayTestAt(int port) {
        return Map.of("mailclient.outbox.dir", dir.resolve("outbox").toString(), "mailclient.relay.server",
                "relay.test:" + port, "mailclient.relay.tls", "none", "mailclient.retry.initial-backoff", "1h",
                "mailclient.retry.max-backoff", "1h");
    }

    private static List<String> transcript(JsonNode message) {
        List<String> lines = new ArrayList<>();
        message.get("transcript").forEach(line -> lines.add(line.asText()));
        return lines;
    }

    @Test
    void a5xxGreetingAtTheFirstAddressOfTheRelayIsSkippedAndTheSecondDelivers() throws Exception {
        // postfix with smtp_skip_5xx_greeting tries the relay's next address; it defers only when none is left.
        try (EmbeddedSmtpServer second = EmbeddedSmtpServer.plain(0, r -> 250);
             ScriptedSmtpServer first = ScriptedSmtpServer.startOn(InetAddress.getByName("127.0.0.2"), second.port(),
                     c -> {
                         c.reply("554 5.3.2 not now, too busy");
                         c.drain();
                     });
             RunningMailService service = RunningMailService.start(relayTestAt(second.port()), TWO_ADDRESSES,
                     Clock.systemUTC())) {
            String id = service.accepted(message("a@example.org", "b@example.org", "second address"));
            JsonNode state = settled(service, id);
            assertThat(state.get("status").asText()).as(state.toString()).isEqualTo("sent");
            assertThat(state.get("attempts").asInt()).isEqualTo(1);
            assertThat(second.received()).hasSize(1);
            first.awaitScript();
            assertThat(first.lines()).containsExactly("QUIT");
            int port = second.port();
            assertThat(transcript(state)).containsSubsequence("=== Connected to 127.0.0.2:" + port + ".",
                    "<-  554 5.3.2 not now, too busy", "=== Connected to 127.0.0.1:" + port + ".");
            var scrape = service.metrics();
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "GREETING", "code", "554"))
                    .isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "GREETING", "code", "220"))
                    .isEqualTo(1);
        }
    }

    @Test
    void whenEveryAddressOfTheRelayGreetsWith421TheMessageIsDeferredAfterBoth() throws Exception {
        ScriptedSmtpServer.Script busy = c -> {
            c.reply("421 4.3.2 busy, try later");
            c.drain();
        };
        try (ScriptedSmtpServer second = ScriptedSmtpServer.start(busy);
             ScriptedSmtpServer first = ScriptedSmtpServer.startOn(InetAddress.getByName("127.0.0.2"), second.port(),
                     busy);
             RunningMailService service = RunningMailService.start(relayTestAt(second.port()), TWO_ADDRESSES,
                     Clock.systemUTC())) {
            String id = service.accepted(message("a@example.org", "b@example.org", "both busy"));
            JsonNode state = settled(service, id);
            assertThat(state.get("status").asText()).as(state.toString()).isEqualTo("deferred");
            assertThat(state.get("attempts").asInt()).isEqualTo(1);
            assertThat(state.get("last_reply").asText()).startsWith("421 4.3.2 busy");
            first.awaitScript();
            second.awaitScript();
            int port = second.port();
            assertThat(transcript(state)).containsSubsequence("=== Connected to 127.0.0.2:" + port + ".",
                    "<-  421 4.3.2 busy, try later", "=== Connected to 127.0.0.1:" + port + ".",
                    "<-  421 4.3.2 busy, try later");
            assertThat(service.metrics().valueOf("mailclient_smtp_replies_total", "command", "GREETING", "code",
                    "421")).isEqualTo(2);
        }
    }

    @Test
    void a250ToDataIsAProtocolErrorThatDefersAndEndsTheConnection() throws Exception {
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start(c -> {
            c.greet("250 liar.example.org");
            c.answer("250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.0.0 Ok, sure");
            c.drain();
        }); RunningMailService service = RunningMailService.start(relayedTo(relay), Resolver.system(),
                Clock.systemUTC())) {
            String id = service.accepted(message("a@example.org", "b@example.org", "lied to"));
            JsonNode state = settled(service, id);
            assertThat(state.get("status").asText()).as(state.toString()).isEqualTo("deferred");
            assertThat(state.get("last_reply").asText()).contains("protocol error").contains("instead of 354");
            relay.awaitScript();
            // Nothing after DATA: no message data, no RSET or MAIL for a next message, not even QUIT.
            assertThat(relay.lines()).last().isEqualTo("DATA");
        }
    }

    @Test
    void aRefusedAuthenticationDefersTheMessageAsPostfixDoes() throws Exception {
        TestPki pki = TestPki.create("lying relay CA");
        TestPki.Issued certificate = pki.issue("localhost", true);
        Path ca = pki.writeCaPem(dir.resolve("ca.pem"));
        Path password = Files.writeString(dir.resolve("password"), "correct-horse-battery\n");
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start(
                c -> c.refuseAuthenticationAfterStartTls(certificate.serverContext()));
             RunningMailService service = RunningMailService.start(relayedTo(relay, "mailclient.relay.server",
                "localhost:" + relay.port(), "mailclient.relay.tls", "starttls", "mailclient.relay.ca-file",
                ca.toString(), "mailclient.relay.user", "alice", "mailclient.relay.password-file",
                password.toString()), Resolver.system(), Clock.systemUTC())) {
            String id = service.accepted(message("a@example.org", "b@example.org", "wrong password"));
            JsonNode state = settled(service, id);
            assertThat(state.get("status").asText()).as(state.toString()).isEqualTo("deferred");
            assertThat(state.get("last_reply").asText()).startsWith("535");
        }
    }
}

package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.kit.testing.MutableClock;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RefusingPort;
import dev.netlab.mailclient.testing.RunningMailService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A relay that is down defers the message; once it is up, the next attempt comes when the test clock says so. */
class RelayOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path outbox;

    @Test
    void aRelayDownThenUpIsRetriedOnTheTestClockAndDelivers() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        RefusingPort down = RefusingPort.open();
        int port = down.port();
        try (RunningMailService service = RunningMailService.start(Map.of("mailclient.outbox.dir",
                outbox.toString(), "mailclient.relay.server", "127.0.0.1:" + port, "mailclient.relay.tls", "none",
                "mailclient.retry.initial-backoff", "10m", "mailclient.retry.max-backoff", "1h"),
                Resolver.system(), (Clock) clock)) {
            String id;
            try (down) {
                id = service.accepted(message("a@example.org", "b@example.org", "outage"));
                JsonNode deferred = await().atMost(WAIT).until(() -> service.message(id),
                        m -> m.get("status").asText().equals("deferred"));
                assertThat(deferred.get("attempts").asInt()).isEqualTo(1);
                assertThat(deferred.get("last_reply").asText()).contains("cannot connect");
            }
            try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(port, r -> 250)) {
                // Up again, but the wait after attempt 1 (5 to 10 minutes) has not passed on the test clock.
                clock.advance(Duration.ofMinutes(4));
                assertThat(service.message(id).get("status").asText()).isEqualTo("deferred");
                assertThat(relay.received()).isEmpty();
                clock.advance(Duration.ofMinutes(6));
                JsonNode sent = await().atMost(WAIT).until(() -> service.message(id),
                        m -> m.get("status").asText().equals("sent"));
                assertThat(sent.get("attempts").asInt()).isEqualTo(2);
                assertThat(relay.received()).hasSize(1);
            }
        }
    }
}

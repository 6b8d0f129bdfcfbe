package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.kit.testing.MutableClock;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RunningMailService;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages posted to the API reach a real SMTP server (SubEthaSMTP), or are retried or failed by its replies. */
class DeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path outbox;

    private Map<String, String> relayedTo(EmbeddedSmtpServer relay, String... more) {
        Map<String, String> settings = new HashMap<>(Map.of("mailclient.outbox.dir", outbox.toString(),
                "mailclient.relay.server", "127.0.0.1:" + relay.port(), "mailclient.relay.tls", "none"));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    private static JsonNode awaitStatus(RunningMailService service, String id, String status) {
        return await().atMost(WAIT).until(() -> service.message(id), m -> m.get("status").asText().equals(status));
    }

    @Test
    void aPostedMessageIsDeliveredAndRecordedAsSentWithTheRelaysQueueIdAndTranscript() throws Exception {
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250);
             RunningMailService service = RunningMailService.start(relayedTo(relay), Resolver.system(),
                     Clock.systemUTC())) {
            assertThat(service.startLine()).contains("relay=smtp/127.0.0.1:" + relay.port());
            String id = service.accepted(message("a@example.org", "b@example.org", "delivered"));
            JsonNode sent = awaitStatus(service, id, "sent");
            assertThat(sent.get("queue_id").asText()).contains("queued as EMBEDDED1");
            assertThat(sent.get("attempts").asInt()).isEqualTo(1);
            assertThat(sent.get("transcript")).extracting(JsonNode::asText)
                    .anyMatch(l -> l.startsWith(" -> MAIL FROM:<a@example.org>"))
                    .anyMatch(l -> l.contains("octets of message data"));
            assertThat(relay.only().orElseThrow().recipients()).containsExactly("b@example.org");
            assertThat(new String(relay.only().orElseThrow().data(), StandardCharsets.UTF_8))
                    .contains("Subject: delivered");
            awaitEmptyQueue();
        }
    }

    @Test
    void a4xxIsRetriedAfterTheBackoffOnTheInjectedClock() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
        AtomicInteger refusals = new AtomicInteger(2);
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0,
                r -> refusals.getAndDecrement() > 0 ? 451 : 250);
             RunningMailService service = RunningMailService.start(relayedTo(relay,
                     "mailclient.retry.initial-backoff", "10m", "mailclient.retry.max-backoff", "1h"),
                     Resolver.system(), clock)) {
            String id = service.accepted(message("a@example.org", "b@example.org", "retried"));
            JsonNode deferred = awaitStatus(service, id, "deferred");
            assertThat(deferred.get("attempts").asInt()).isEqualTo(1);
            assertThat(deferred.get("last_reply").asText()).startsWith("451");
            Instant next = Instant.parse(deferred.get("next_attempt").asText());
            // Jitter keeps the wait in the upper half of the 10-minute step.
            assertThat(Duration.between(clock.instant(), next)).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(10));
            assertThat(relay.received()).isEmpty();

            clock.advance(Duration.ofMinutes(10));
            await().atMost(WAIT).until(() -> service.message(id).get("attempts").asInt() == 2);
            JsonNode again = service.message(id);
            assertThat(again.get("status").asText()).isEqualTo("deferred");
            // The second step is 20 minutes: between 10 and 20 from now.
            assertThat(Duration.between(clock.instant(), Instant.parse(again.get("next_attempt").asText())))
                    .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(20));

            clock.advance(Duration.ofMinutes(20));
            JsonNode sent = awaitStatus(service, id, "sent");
            assertThat(sent.get("attempts").asInt()).isEqualTo(3);
            assertThat(relay.received()).hasSize(1);
        }
    }

    @Test
    void aMessageStillRefusedWithA4xxAfterMaxAgeFails() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 452);
             RunningMailService service = RunningMailService.start(relayedTo(relay,
                     "mailclient.retry.initial-backoff", "10m", "mailclient.retry.max-backoff", "1h",
                     "mailclient.retry.max-age", "1h"), Resolver.system(), clock)) {
            String id = service.accepted(message("a@example.org", "b@example.org", "too old"));
            awaitStatus(service, id, "deferred");
            clock.advance(Duration.ofHours(2));
            JsonNode failed = awaitStatus(service, id, "failed");
            assertThat(failed.get("last_reply").asText()).contains("gave up").contains("452");
            awaitEmptyQueue();
        }
    }

    @Test
    void a5xxFailsPermanentlyAtTheFirstAttempt() throws Exception {
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 550);
             RunningMailService service = RunningMailService.start(relayedTo(relay), Resolver.system(),
                     Clock.systemUTC())) {
            String id = service.accepted(message("a@example.org", "nobody@example.org", "refused"));
            JsonNode failed = awaitStatus(service, id, "failed");
            assertThat(failed.get("attempts").asInt()).isEqualTo(1);
            assertThat(failed.get("rejected")).extracting(JsonNode::asText)
                    .containsExactly("nobody@example.org: 550 5.1.1 refused by the test");
            awaitEmptyQueue();
            assertThat(relay.received()).isEmpty();
        }
    }

    @Test
    void aRelayNameWithTwoAddressesIsReachedThroughTheSecondWhenTheFirstRefuses() throws Exception {
        // 127.0.0.2 is loopback too, but nothing listens there on the relay's port.
        Resolver twoAddresses = host -> {
            assertThat(host).isEqualTo("relay.test");
            return List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"));
        };
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250);
             RunningMailService service = RunningMailService.start(relayedTo(relay,
                     "mailclient.relay.server", "relay.test:" + relay.port()), twoAddresses, Clock.systemUTC())) {
            String id = service.accepted(message("a@example.org", "b@example.org", "second address"));
            JsonNode sent = awaitStatus(service, id, "sent");
            assertThat(sent.get("attempts").asInt()).isEqualTo(1);
            assertThat(sent.get("transcript")).extracting(JsonNode::asText)
                    .anyMatch(l -> l.startsWith("=== cannot connect to 127.0.0.2:" + relay.port()))
                    .contains("=== Connected to 127.0.0.1:" + relay.port() + ".");
        }
    }

    @Test
    void afterARestartWaitingMessagesGoAtOnceToTheRelayConfiguredThenOverOneReusedConnection() throws Exception {
        List<String> ids;
        try (RunningMailService noRelay = RunningMailService.start(Map.of("mailclient.outbox.dir",
                outbox.toString()), Resolver.system(), Clock.systemUTC())) {
            ids = List.of(noRelay.accepted(message("a@example.org", "b@example.org", "one")),
                    noRelay.accepted(message("a@example.org", "c@example.org", "two")),
                    noRelay.accepted(message("a@example.org", "d@example.org", "three")));
        }
        // Three accepts one after another: one segment, its unused end written ahead as zeros.
        assertThat(queueFiles()).hasSize(1);
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250);
             RunningMailService service = RunningMailService.start(relayedTo(relay,
                     "mailclient.delivery.concurrency", "1"), Resolver.system(), Clock.systemUTC())) {
            for (String id : ids) {
                awaitStatus(service, id, "sent");
            }
            assertThat(relay.received()).extracting(r -> r.recipients().get(0))
                    .containsExactly("b@example.org", "c@example.org", "d@example.org");
            var scrape = service.metrics();
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "GREETING", "code", "220"))
                    .isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "RSET", "code", "250"))
                    .isEqualTo(2);
        }
    }

    // Once every message finished, the segment that took them goes when it rolls: after its idle second.
    private void awaitEmptyQueue() {
        await().atMost(WAIT).until(() -> queueFiles().isEmpty());
    }

    private List<Path> queueFiles() throws Exception {
        try (Stream<Path> files = Files.list(outbox.resolve("queue"))) {
            return files.toList();
        }
    }
}

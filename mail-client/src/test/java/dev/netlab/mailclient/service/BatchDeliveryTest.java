package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.kit.testing.MutableClock;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RunningMailService;
import dev.netlab.mailclient.testing.ScriptedSmtpServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery workers claim the due messages as a batch and pipeline them over one connection; every message of the
 * batch still gets its own outcome and transcript.
 */
class BatchDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    java.nio.file.Path outbox;

    /** Queues the messages with no relay configured, so that they are all due at once when the relay comes. */
    private List<String> queuedWithoutRelay(String... recipients) throws Exception {
        List<String> ids = new ArrayList<>();
        try (RunningMailService noRelay = RunningMailService.start(Map.of("mailclient.outbox.dir",
                outbox.toString()), Resolver.system(), Clock.systemUTC())) {
            for (String recipient : recipients) {
                ids.add(noRelay.accepted(message("a@example.org", recipient, "to " + recipient)));
            }
        }
        return ids;
    }

    private Map<String, String> relayedTo(int port) {
        return Map.of("mailclient.outbox.dir", outbox.toString(), "mailclient.relay.server", "127.0.0.1:" + port,
                "mailclient.relay.tls", "none", "mailclient.delivery.concurrency", "1",
                "mailclient.retry.initial-backoff", "10m", "mailclient.retry.max-backoff", "1h");
    }

    private static JsonNode awaitStatus(RunningMailService service, String id, String status) {
        return await().atMost(WAIT).until(() -> service.message(id), m -> m.get("status").asText().equals(status));
    }

    private static List<String> transcript(JsonNode message) {
        List<String> lines = new ArrayList<>();
        message.get("transcript").forEach(line -> lines.add(line.asText()));
        return lines;
    }

    @Test
    void inOneBatchA5xxRecipientFailsA4xxRecipientIsDeferredAndTheOthersAreSentEachWithItsOwnTranscript()
            throws Exception {
        List<String> ids = queuedWithoutRelay("one@example.org", "bad@example.org", "later@example.org",
                "four@example.org");
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0,
                r -> r.startsWith("bad@") ? 550 : r.startsWith("later@") ? 451 : 250);
             RunningMailService service = RunningMailService.start(relayedTo(relay.port()), Resolver.system(),
                     new MutableClock(Instant.now()))) {
            JsonNode one = awaitStatus(service, ids.get(0), "sent");
            JsonNode bad = awaitStatus(service, ids.get(1), "failed");
            JsonNode later = awaitStatus(service, ids.get(2), "deferred");
            JsonNode four = awaitStatus(service, ids.get(3), "sent");

            assertThat(one.get("queue_id").asText()).contains("queued as EMBEDDED1");
            assertThat(four.get("queue_id").asText()).contains("queued as EMBEDDED2");
            assertThat(bad.get("rejected")).extracting(JsonNode::asText)
                    .containsExactly("bad@example.org: 550 5.1.1 refused by the test");
            assertThat(later.get("last_reply").asText()).startsWith("451");
            assertThat(later.get("attempts").asInt()).isEqualTo(1);
            assertThat(relay.received()).extracting(r -> r.recipients().get(0))
                    .containsExactly("one@example.org", "four@example.org");

            // Each transcript holds its own transaction only; the first also holds the connection's setup.
            assertThat(transcript(one)).anyMatch(l -> l.startsWith("=== Connected to"))
                    .anyMatch(l -> l.startsWith(" -> RCPT TO:<one@example.org>"))
                    .noneMatch(l -> l.contains("bad@example.org"));
            assertThat(transcript(bad)).noneMatch(l -> l.startsWith("=== Connected to"))
                    .anyMatch(l -> l.startsWith(" -> RCPT TO:<bad@example.org>"))
                    .anyMatch(l -> l.startsWith("<-  550"))
                    .noneMatch(l -> l.contains("one@example.org") || l.contains("later@example.org"));
            assertThat(transcript(later)).anyMatch(l -> l.startsWith(" -> RCPT TO:<later@example.org>"))
                    .anyMatch(l -> l.startsWith("<-  451"))
                    .noneMatch(l -> l.contains("four@example.org"));
            assertThat(transcript(four)).anyMatch(l -> l.startsWith(" -> RCPT TO:<four@example.org>"))
                    .anyMatch(l -> l.contains("octets of message data"))
                    .anyMatch(l -> l.contains("queued as EMBEDDED2"));

            var scrape = service.metrics();
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "GREETING", "code", "220"))
                    .isEqualTo(1);
        }
    }

    @Test
    void theSentRecordsOfOneBatchAreAppendedToOneLogAndReadBackPerMessageAfterARestart() throws Exception {
        List<String> ids = queuedWithoutRelay("one@example.org", "two@example.org", "three@example.org",
                "four@example.org", "five@example.org");
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250)) {
            try (RunningMailService service = RunningMailService.start(relayedTo(relay.port()), Resolver.system(),
                    Clock.systemUTC())) {
                ids.forEach(id -> awaitStatus(service, id, "sent"));
            }
            try (var files = java.nio.file.Files.list(outbox.resolve("state"))) {
                assertThat(files.map(f -> f.getFileName().toString()).toList())
                        .containsExactly(ids.get(0) + ".sent");
            }
            try (RunningMailService restarted = RunningMailService.start(relayedTo(relay.port()),
                    Resolver.system(), Clock.systemUTC())) {
                for (int i = 0; i < ids.size(); i++) {
                    JsonNode message = restarted.message(ids.get(i));
                    assertThat(message.get("status").asText()).isEqualTo("sent");
                    assertThat(transcript(message)).anyMatch(l -> l.contains("queued as EMBEDDED"));
                }
                assertThat(relay.received()).hasSize(5);
            }
        }
    }

    @Test
    void aConnectionDroppedMidBatchLeavesTheDeliveredOnesSentAndDefersTheRestForARetry() throws Exception {
        List<String> ids = queuedWithoutRelay("one@example.org", "two@example.org", "three@example.org",
                "four@example.org");
        AtomicBoolean pipelinedBehindTheData = new AtomicBoolean();
        MutableClock clock = new MutableClock(Instant.now());
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.start(c -> {
                c.greet("250-scripted", "250 PIPELINING");
                c.answer("250 2.1.0 Ok", "250 2.1.5 Ok", "354 go ahead");
                c.readData();
                // A batch writes the next message's RSET, MAIL, RCPT and DATA in the same write as this data.
                pipelinedBehindTheData.set(c.hasPendingBytes());
                c.reply("250 2.0.0 Ok: queued as S1");
                c.answer("250 2.0.0 Reset", "250 2.1.0 Ok", "250 2.1.5 Ok", "354 go ahead");
                c.readData();
                c.reply("250 2.0.0 Ok: queued as S2");
                // Then the connection drops with the third message's commands unanswered.
            });
             RunningMailService service = RunningMailService.start(relayedTo(relay.port()), Resolver.system(),
                     clock)) {
            JsonNode one = awaitStatus(service, ids.get(0), "sent");
            JsonNode two = awaitStatus(service, ids.get(1), "sent");
            JsonNode three = awaitStatus(service, ids.get(2), "deferred");
            JsonNode four = awaitStatus(service, ids.get(3), "deferred");
            relay.awaitScript();

            assertThat(pipelinedBehindTheData).isTrue();
            assertThat(one.get("queue_id").asText()).contains("queued as S1");
            assertThat(two.get("queue_id").asText()).contains("queued as S2");
            for (JsonNode deferred : List.of(three, four)) {
                assertThat(deferred.get("attempts").asInt()).isEqualTo(1);
                assertThat(Instant.parse(deferred.get("next_attempt").asText())).isAfter(clock.instant());
            }
            assertThat(transcript(three)).anyMatch(l -> l.startsWith(" -> RCPT TO:<three@example.org>"));

            // After the backoff both are tried again (the relay is gone now, so they stay deferred).
            relay.close();
            clock.advance(Duration.ofMinutes(10));
            for (String id : ids.subList(2, 4)) {
                // The record on disk (attempts) is written just before the status in memory changes: wait for both.
                await().atMost(WAIT).until(() -> service.message(id), m -> m.get("attempts").asInt() == 2
                        && m.get("status").asText().equals("deferred"));
            }
        }
    }
}

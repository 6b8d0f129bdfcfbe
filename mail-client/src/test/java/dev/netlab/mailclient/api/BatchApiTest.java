package dev.netlab.mailclient.api;

import static dev.netlab.mailclient.testing.RunningMailService.json;
import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RunningMailService;
import dev.netlab.mailclient.testing.StatusLine;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/messages/batch}: an array of the single form's messages, all accepted with one durable write or
 * none, against the real service (with the embedded SMTP server as its relay where delivery is checked).
 */
class BatchApiTest {

    private static final String TOKEN = "s3cret-token-of-24-chars";

    @TempDir
    Path outbox;

    private Map<String, String> settings(String... more) {
        Map<String, String> settings = new HashMap<>(Map.of("mailclient.outbox.dir", outbox.toString(),
                "mailclient.limits.max-message-size", "64KiB", "mailclient.limits.max-recipients", "3"));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    private RunningMailService start(String... more) {
        return RunningMailService.start(settings(more), Resolver.system(), Clock.systemUTC());
    }

    private static String batch(List<String> messages) {
        return "[" + String.join(",", messages) + "]";
    }

    private static List<String> numbered(int count) {
        return IntStream.range(0, count).mapToObj(i -> message("a@example.org", "r" + i + "@example.org", "m" + i))
                .toList();
    }

    @Test
    void aBatchIsAcceptedWithOneIdPerMessageInOrderAllInOneSegmentOnDiskBeforeThe202() throws Exception {
        try (RunningMailService service = start()) {
            HttpResponse<String> response = service.postBatch(batch(numbered(10)), Optional.empty());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            JsonNode messages = json(response).get("messages");
            assertThat(messages).hasSize(10);
            List<String> ids = new ArrayList<>();
            messages.forEach(m -> {
                assertThat(m.get("status").asText()).isEqualTo("queued");
                ids.add(m.get("id").asText());
            });
            assertThat(ids).doesNotHaveDuplicates();
            // One durable write: one segment holding every message, complete under its final name; tmp/ empty.
            List<Path> segments = queueFiles();
            assertThat(segments).singleElement();
            String segment = Files.readString(segments.get(0), StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 10; i++) {
                assertThat(segment).contains("\"id\":\"" + ids.get(i) + "\"").contains("Subject: m" + i + "\r\n");
                JsonNode state = service.message(ids.get(i));
                assertThat(state.get("status").asText()).isEqualTo("queued");
            }
            assertThat(outbox.resolve("tmp")).isEmptyDirectory();
        }
    }

    @Test
    void aBatchIsDeliveredToTheRelayEveryMessageOnce() throws Exception {
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250);
             RunningMailService service = start("mailclient.relay.server", "127.0.0.1:" + relay.port(),
                     "mailclient.relay.tls", "none")) {
            HttpResponse<String> response = service.postBatch(batch(numbered(50)), Optional.empty());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            List<String> ids = new ArrayList<>();
            json(response).get("messages").forEach(m -> ids.add(m.get("id").asText()));
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.received().size() >= 50);
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(20)).until(() -> service.message(id).get("status").asText(),
                        "sent"::equals);
            }
            assertThat(relay.received()).hasSize(50);
            assertThat(relay.received().stream().map(r -> r.recipients().get(0)).collect(Collectors.toSet()))
                    .hasSize(50).contains("r0@example.org", "r49@example.org");
            await().atMost(Duration.ofSeconds(20)).until(() -> queueFiles().isEmpty());
        }
    }

    @Test
    void aBadFieldInItem7RefusesTheWholeBatchNamingTheItemAndItsFieldAndNothingIsQueued() throws Exception {
        try (RunningMailService service = start()) {
            List<String> messages = new ArrayList<>(numbered(10));
            messages.set(7, "{\"from\":\"a@example.org\",\"to\":[\"not an address\"]}");
            messages.set(9, "{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"colour\":\"red\"}");
            HttpResponse<String> response = service.postBatch(batch(messages), Optional.empty());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            JsonNode answer = json(response);
            assertThat(answer.get("field").asText()).isEqualTo("[7].to[0]");
            assertThat(answer.get("error").asText()).contains("item 7");
            // Every bad item is listed, so a client can fix them all at once.
            assertThat(answer.get("errors")).hasSize(2);
            assertThat(answer.get("errors").get(0).get("index").asInt()).isEqualTo(7);
            assertThat(answer.get("errors").get(0).get("field").asText()).isEqualTo("to[0]");
            assertThat(answer.get("errors").get(0).get("status").asInt()).isEqualTo(400);
            assertThat(answer.get("errors").get(1).get("index").asInt()).isEqualTo(9);
            assertThat(answer.get("errors").get(1).get("field").asText()).isEqualTo("colour");
            assertThat(queueFiles()).isEmpty();
            assertThat(service.get("/api/messages").body()).contains("\"messages\":[]");
        }
    }

    @Test
    void aBodyThatIsNotAnArrayOfMessagesIsRefusedWith400() throws Exception {
        try (RunningMailService service = start()) {
            for (String body : List.of("not json", message("a@example.org", "b@example.org", "an object"), "[]",
                    "7", "null")) {
                HttpResponse<String> response = service.postBatch(body, Optional.empty());
                assertThat(response.statusCode()).as(body + " -> " + response.body()).isEqualTo(400);
                assertThat(json(response).get("field").asText()).isEqualTo("body");
            }
            HttpResponse<String> notAnObject = service.postBatch("[" + message("a@example.org", "b@example.org", "x")
                    + ",\"a string\"]", Optional.empty());
            assertThat(notAnObject.statusCode()).isEqualTo(400);
            assertThat(json(notAnObject).get("field").asText()).isEqualTo("[1]");
            assertThat(queueFiles()).isEmpty();
        }
    }

    @Test
    void moreMessagesThanABatchHoldsAreRefusedWith400AndTheLimitItselfIsAccepted() throws Exception {
        try (RunningMailService service = start()) {
            HttpResponse<String> tooMany = service.postBatch(batch(numbered(MessagesApi.MAX_BATCH_MESSAGES + 1)),
                    Optional.empty());
            assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(400);
            assertThat(json(tooMany).get("field").asText()).isEqualTo("body");
            assertThat(json(tooMany).get("error").asText()).contains(String.valueOf(MessagesApi.MAX_BATCH_MESSAGES));
            assertThat(queueFiles()).isEmpty();
            HttpResponse<String> full = service.postBatch(batch(numbered(MessagesApi.MAX_BATCH_MESSAGES)),
                    Optional.empty());
            assertThat(full.statusCode()).as(full.body()).isEqualTo(202);
            assertThat(json(full).get("messages")).hasSize(MessagesApi.MAX_BATCH_MESSAGES);
        }
    }

    @Test
    void aBatchOverTheTotalSizeIsRefusedWith413BeforeItsBodyIsReadAndOneMessageOverItsLimitRefusesTheBatch()
            throws Exception {
        try (RunningMailService service = start()) {
            // Declared too big: the answer comes without the body being sent at all.
            int port = service.running().endpoint("admin").port();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/messages/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + (MessagesApi.MAX_BATCH_BYTES + 1) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(StatusLine.read(socket.getInputStream())).startsWith("HTTP/1.1 413");
            }
            // One message over max-message-size (64 KiB) among good ones: 413 naming it, nothing stored.
            List<String> messages = new ArrayList<>(numbered(3));
            messages.set(1, "{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"attachments\":[{\"filename\":"
                    + "\"big.bin\",\"content_base64\":\"" + Base64.getEncoder().encodeToString(new byte[60 * 1024])
                    + "\"}]}");
            HttpResponse<String> oneTooBig = service.postBatch(batch(messages), Optional.empty());
            assertThat(oneTooBig.statusCode()).as(oneTooBig.body()).isEqualTo(413);
            assertThat(json(oneTooBig).get("field").asText()).isEqualTo("[1].message");
            assertThat(queueFiles()).isEmpty();
        }
    }

    @Test
    void idempotencyKeysAreHonouredPerItemAcrossRequestsAndWithinOneBatch() throws Exception {
        try (RunningMailService service = start()) {
            String before = service.accepted("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],"
                    + "\"idempotency_key\":\"order-1\"}");
            List<String> messages = List.of(
                    "{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"idempotency_key\":\"order-1\"}",
                    "{\"from\":\"a@example.org\",\"to\":[\"c@example.org\"],\"idempotency_key\":\"order-2\"}",
                    "{\"from\":\"a@example.org\",\"to\":[\"d@example.org\"]}",
                    "{\"from\":\"a@example.org\",\"to\":[\"repeat@example.org\"],\"idempotency_key\":\"order-2\"}");
            HttpResponse<String> response = service.postBatch(batch(messages), Optional.empty());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            JsonNode answer = json(response).get("messages");
            // A key seen before gives that message's id; the same key twice in one batch is one message, as two
            // POSTs one after the other would be.
            assertThat(answer.get(0).get("id").asText()).isEqualTo(before);
            assertThat(answer.get(3).get("id").asText()).isEqualTo(answer.get(1).get("id").asText());
            assertThat(answer.get(2).get("id").asText()).isNotIn(before, answer.get(1).get("id").asText());
            assertThat(json(service.get("/api/messages")).get("messages")).hasSize(3);
            // "repeat" has letters a hex Message-ID cannot hold, so only the dropped recipient could match.
            assertThat(Files.readString(outbox.resolve("queue").resolve(answer.get(1).get("id").asText() + ".seg"),
                    StandardCharsets.ISO_8859_1)).doesNotContain("repeat@example.org");
            // The same batch again stores nothing new.
            HttpResponse<String> again = service.postBatch(batch(messages.subList(0, 2)), Optional.empty());
            assertThat(json(again).get("messages").get(1).get("id").asText())
                    .isEqualTo(answer.get(1).get("id").asText());
            assertThat(json(service.get("/api/messages")).get("messages")).hasSize(3);
        }
    }

    @Test
    void theBearerTokenAndTheSenderRulesAreTheSingleForms() throws Exception {
        Path tokenFile = Files.writeString(outbox.resolveSibling(outbox.getFileName() + ".token"), TOKEN + "\n");
        try (RunningMailService service = RunningMailService.start(Optional.of(config(tokenFile)), settings(),
                Resolver.system(), Clock.systemUTC())) {
            String body = batch(List.of(message("ok@example.org", "b@example.org", "x"),
                    message("ok@example.org", "c@example.org", "y")));
            assertThat(service.postBatch(body, Optional.empty()).statusCode()).isEqualTo(401);
            assertThat(service.postBatch(body, Optional.of(TOKEN + "x")).statusCode()).isEqualTo(401);
            HttpResponse<String> forbidden = service.postBatch(batch(List.of(
                    message("ok@example.org", "b@example.org", "x"), message("mallory@example.org", "c@example.org",
                            "y"))), Optional.of(TOKEN));
            assertThat(forbidden.statusCode()).as(forbidden.body()).isEqualTo(403);
            assertThat(json(forbidden).get("field").asText()).isEqualTo("[1].from");
            assertThat(queueFiles()).isEmpty();
            assertThat(service.postBatch(body, Optional.of(TOKEN)).statusCode()).isEqualTo(202);
        } finally {
            Files.deleteIfExists(tokenFile);
        }
    }

    private Path config(Path tokenFile) throws Exception {
        return Files.writeString(outbox.resolveSibling(outbox.getFileName() + ".yaml"), """
                mailclient:
                  api:
                    token-file: "%s"
                  limits:
                    allowed-senders: ["ok@example.org"]
                """.formatted(tokenFile));
    }

    @Test
    void whenTheOutboxCannotWriteTheBatchGets503AndNothingIsQueued() throws Exception {
        try (RunningMailService service = start()) {
            Files.delete(outbox.resolve("tmp"));
            HttpResponse<String> response = service.postBatch(batch(numbered(5)), Optional.empty());
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(queueFiles()).isEmpty();
            assertThat(service.get("/api/messages").body()).contains("\"messages\":[]");
        }
    }

    private List<Path> queueFiles() throws Exception {
        try (Stream<Path> files = Files.list(outbox.resolve("queue"))) {
            return files.toList();
        }
    }
}

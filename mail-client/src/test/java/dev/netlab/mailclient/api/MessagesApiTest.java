package dev.netlab.mailclient.api;

import static dev.netlab.mailclient.testing.RunningMailService.json;
import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.RunningMailService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The API's rules, against the real service with no relay configured (messages stay queued). */
class MessagesApiTest {

    @TempDir
    Path outbox;

    private RunningMailService service;

    @BeforeEach
    void start() {
        service = RunningMailService.start(Map.of("mailclient.outbox.dir", outbox.toString(),
                "mailclient.limits.max-message-size", "64KiB", "mailclient.limits.max-recipients", "3"),
                Resolver.system(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
                Arguments.of("not json", "body"),
                Arguments.of("[1]", "body"),
                Arguments.of("{\"to\":[\"b@example.org\"]}", "from"),
                Arguments.of("{\"from\":\"no-at-sign\",\"to\":[\"b@example.org\"]}", "from"),
                Arguments.of("{\"from\":\"A <a@example.org>\",\"to\":[\"b@example.org\"]}", "from"),
                Arguments.of("{\"from\":7,\"to\":[\"b@example.org\"]}", "from"),
                Arguments.of("{\"from\":\"a@example.org\"}", "to"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":\"b@example.org\"}", "to"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\",\"bad\\r\\nRCPT\"]}", "to[1]"),
                Arguments.of("{\"from\":\"a@example.org\",\"cc\":[\"c@\"]}", "cc[0]"),
                Arguments.of("{\"from\":\"a@example.org\",\"bcc\":[true]}", "bcc[0]"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"a@x.org\",\"b@x.org\"],\"cc\":[\"c@x.org\"],"
                        + "\"bcc\":[\"d@x.org\"]}", "to"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"subject\":[]}", "subject"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"subject\":\"a\\r\\nBcc: x\"}",
                        "subject"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"text\":{}}", "text"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"html\":1}", "html"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"attachments\":{}}",
                        "attachments"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"attachments\":[{"
                        + "\"content_base64\":\"aGk=\"}]}", "attachments[0].filename"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"attachments\":[{"
                        + "\"filename\":\"../etc/passwd\",\"content_base64\":\"aGk=\"}]}", "attachments[0].filename"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"attachments\":[{"
                        + "\"filename\":\"a.txt\",\"content_base64\":\"not base64!\"}]}",
                        "attachments[0].content_base64"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"attachments\":[{"
                        + "\"filename\":\"a.txt\",\"content_type\":\"text/plain\\r\\nX: y\",\"content_base64\":\"aGk=\"}]}",
                        "attachments[0].content_type"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"attachments\":[{"
                        + "\"filename\":\"a.txt\",\"size\":1,\"content_base64\":\"aGk=\"}]}", "attachments[0].size"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"idempotency_key\":\"a b\"}",
                        "idempotency_key"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"reply_to\":\"c@x.org\"}",
                        "reply_to"));
    }

    @ParameterizedTest
    @MethodSource("badFields")
    void eachBadFieldIsRefusedWith400NamingItAndNothingIsQueued(String body, String field) throws Exception {
        HttpResponse<String> response = service.post(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo(field);
        assertThat(json(response).get("error").asText()).isNotBlank();
        assertThat(queueFiles()).isEmpty();
    }

    @Test
    void a202ComesOnlyWithTheMessageFileAlreadyOnDisk() throws Exception {
        HttpResponse<String> response = service.post(message("a@example.org", "b@example.org", "on disk"));
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode answer = json(response);
        assertThat(answer.get("status").asText()).isEqualTo("queued");
        String id = answer.get("id").asText();
        // Read right after the 202: the segment is complete, under its final name, nothing left in tmp/.
        Path file = outbox.resolve("queue").resolve(id + ".seg");
        assertThat(file).exists();
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).contains("Subject: on disk")
                .contains("\"id\":\"" + id + "\"").contains("\"recipients\":[\"b@example.org\"]");
        assertThat(outbox.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void whenTheOutboxCannotWriteThereIsNo202AndNothingIsQueued() throws Exception {
        Files.delete(outbox.resolve("tmp"));
        HttpResponse<String> response = service.post(message("a@example.org", "b@example.org", "lost?"));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(queueFiles()).isEmpty();
        assertThat(service.get("/api/messages").body()).contains("\"messages\":[]");
    }

    @Test
    void aMessageOverTheSizeLimitGets413() throws Exception {
        String big = Base64.getEncoder().encodeToString(new byte[60 * 1024]);
        HttpResponse<String> response = service.post("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],"
                + "\"attachments\":[{\"filename\":\"big.bin\",\"content_base64\":\"" + big + "\"}]}");
        assertThat(response.statusCode()).isEqualTo(413);
        String huge = "x".repeat(200 * 1024);
        assertThat(service.post("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"text\":\"" + huge + "\"}")
                .statusCode()).isEqualTo(413);
        assertThat(queueFiles()).isEmpty();
    }

    @Test
    void theSameIdempotencyKeyTwiceGivesTheFirstIdAndOneMessage() throws Exception {
        String body = "{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"idempotency_key\":\"order-42\"}";
        String first = service.accepted(body);
        String second = service.accepted(body.replace("b@example.org", "c@example.org"));
        assertThat(second).isEqualTo(first);
        assertThat(queueFiles()).hasSize(1);
        assertThat(service.accepted(body.replace("order-42", "order-43"))).isNotEqualTo(first);
    }

    @Test
    void aMessageIsListedAndShownWithItsStatusAndTheAttachmentKeepsItsDeclaredType() throws Exception {
        String id = service.accepted("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"attachments\":[{"
                + "\"filename\":\"data.bin\",\"content_type\":\"application/x-netlab\",\"content_base64\":\"aGk=\"}]}");
        JsonNode state = service.message(id);
        assertThat(state.get("status").asText()).isEqualTo("queued");
        assertThat(state.get("attempts").asInt()).isZero();
        assertThat(Files.readString(outbox.resolve("queue").resolve(id + ".seg"), StandardCharsets.ISO_8859_1))
                .contains("Content-Type: application/x-netlab");
        JsonNode list = json(service.get("/api/messages?status=queued"));
        assertThat(list.get("messages")).extracting(n -> n.get("id").asText()).containsExactly(id);
        assertThat(json(service.get("/api/messages?status=sent")).get("messages")).isEmpty();
        assertThat(service.get("/api/messages?status=lost").statusCode()).isEqualTo(400);
        assertThat(service.get("/api/messages/0000000000000-0000000000000000").statusCode()).isEqualTo(404);
        assertThat(service.get("/api/messages/..%2F..%2Fetc").statusCode()).isEqualTo(404);
    }

    @Test
    void listingsArePaged() throws Exception {
        for (int i = 0; i < 5; i++) {
            service.accepted(message("a@example.org", "b@example.org", "m" + i));
        }
        JsonNode first = json(service.get("/api/messages?limit=2"));
        assertThat(first.get("messages")).hasSize(2);
        String next = first.get("next").asText();
        JsonNode second = json(service.get("/api/messages?limit=2&after=" + next));
        assertThat(second.get("messages")).hasSize(2);
        JsonNode third = json(service.get("/api/messages?limit=2&after=" + second.get("next").asText()));
        assertThat(third.get("messages")).hasSize(1);
        assertThat(third.get("next").isNull()).isTrue();
    }

    @Test
    void withoutARelayTheStartLineAndReadinessSayMessagesStayQueued() throws Exception {
        assertThat(service.startLine()).contains("relay=none (messages stay queued)");
        HttpResponse<String> ready = service.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).get("relay").asText()).startsWith("none");
    }

    private java.util.List<Path> queueFiles() throws Exception {
        try (Stream<Path> files = Files.list(outbox.resolve("queue"))) {
            return files.toList();
        }
    }
}

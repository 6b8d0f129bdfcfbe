package dev.netlab.mailclient.api;

import static dev.netlab.mailclient.testing.RunningMailService.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.mailclient.smtp.Resolver;
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
import java.util.List;
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

/** Bodies an attacker would send: each is a 400 naming the field, and nothing reaches the outbox. */
class HostileInputApiTest {

    private static final String TO = "\"to\":[\"b@example.org\"]";

    @TempDir
    Path outbox;

    private RunningMailService service;

    @BeforeEach
    void start() {
        service = RunningMailService.start(Map.of("mailclient.outbox.dir", outbox.toString()), Resolver.system(),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    static Stream<Arguments> hostileBodies() {
        String local65 = "a".repeat(65);
        String label64 = "d".repeat(64);
        return Stream.of(
                // Which "from" wins is anyone's guess (a filter may read the first, the builder the last).
                Arguments.of("{\"from\":\"a@example.org\",\"from\":\"boss@example.org\"," + TO + "}", "from"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + "," + TO + "}", "to"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"attachments\":[{\"filename\":\"a.txt\","
                        + "\"filename\":\"b.exe\",\"content_base64\":\"aGk=\"}]}", "attachments[0].filename"),
                // Trailing bytes after the object: a second message smuggled behind the first.
                Arguments.of("{\"from\":\"a@example.org\"," + TO + "} {\"from\":\"x@example.org\"}", "body"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + "}]", "body"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"subject\":\"a\\u0000b\"}", "subject"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"subject\":\"a\\u001b[2Jb\"}", "subject"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"subject\":\"a\\u007fb\"}", "subject"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"subject\":\"a\\u0085b\"}", "subject"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"subject\":\"a\\rBcc: x@example.org\"}",
                        "subject"),
                Arguments.of("{\"from\":\"a@example.org\\r\\nRCPT TO:<x@example.org>\"," + TO + "}", "from"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[\"b@example.org\\nBcc: x@example.org\"]}", "to[0]"),
                Arguments.of("{\"from\":\"" + local65 + "@example.org\"," + TO + "}", "from"),
                Arguments.of("{\"from\":\"a@example.org\",\"cc\":[\"" + local65 + "@example.org\"]}", "cc[0]"),
                Arguments.of("{\"from\":\"a@" + label64 + ".org\"," + TO + "}", "from"),
                Arguments.of(attachmentOfType("multipart/mixed"), "attachments[0].content_type"),
                Arguments.of(attachmentOfType("Multipart/Alternative"), "attachments[0].content_type"),
                Arguments.of(attachmentOfType("message/rfc822"), "attachments[0].content_type"),
                Arguments.of(attachmentOfType("message/partial"), "attachments[0].content_type"),
                Arguments.of("{\"from\":[\"a@example.org\"]," + TO + "}", "from"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[[\"b@example.org\"]]}", "to[0]"),
                Arguments.of("{\"from\":\"a@example.org\",\"to\":[{\"address\":\"b@example.org\"}]}", "to[0]"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"subject\":{\"text\":\"x\"}}", "subject"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"idempotency_key\":12}", "idempotency_key"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"attachments\":[{\"filename\":\"a\","
                        + "\"content_base64\":\"a===\"}]}", "attachments[0].content_base64"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"attachments\":[{\"filename\":\"a\","
                        + "\"content_base64\":\"aG=k\"}]}", "attachments[0].content_base64"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"attachments\":[{\"filename\":\"a\","
                        + "\"content_base64\":4}]}", "attachments[0].content_base64"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"attachments\":[{\"filename\":[\"a\"],"
                        + "\"content_base64\":\"aGk=\"}]}", "attachments[0].filename"),
                Arguments.of("{\"from\":\"a@example.org\"," + TO + ",\"attachments\":[{\"filename\":\"a\","
                        + "\"content_type\":{},\"content_base64\":\"aGk=\"}]}", "attachments[0].content_type"),
                Arguments.of("[".repeat(5000) + "]".repeat(5000), "body"),
                Arguments.of("", "body"));
    }

    private static String attachmentOfType(String type) {
        return "{\"from\":\"a@example.org\"," + TO + ",\"attachments\":[{\"filename\":\"x\",\"content_type\":\""
                + type + "\",\"content_base64\":\"aGk=\"}]}";
    }

    @ParameterizedTest
    @MethodSource("hostileBodies")
    void aHostileBodyIsA400NamingTheFieldAndNothingIsQueued(String body, String field) throws Exception {
        HttpResponse<String> response = service.post(body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).as(response.body()).isEqualTo(field);
        assertThat(queueFiles()).isEmpty();
    }

    static Stream<Arguments> hostileQueries() {
        return Stream.of(Arguments.of("limit=-1", "limit"), Arguments.of("limit=0", "limit"),
                Arguments.of("limit=501", "limit"), Arguments.of("limit=99999999999999999999", "limit"),
                Arguments.of("limit=ten", "limit"), Arguments.of("status=lost", "status"),
                Arguments.of("status=SENT", "status"), Arguments.of("status=", "status"),
                // Which of two wins is anyone's guess: refused like a JSON key given twice.
                Arguments.of("status=queued&status=sent", "status"), Arguments.of("limit=1&limit=-5", "limit"),
                Arguments.of("after=..%2F..%2Fetc", "after"), Arguments.of("after=garbage", "after"),
                Arguments.of("limt=5", "limt"));
    }

    @ParameterizedTest
    @MethodSource("hostileQueries")
    void aHostileListingQueryIsA400NamingTheParameter(String query, String parameter) throws Exception {
        service.accepted("{\"from\":\"a@example.org\"," + TO + "}");
        HttpResponse<String> response = service.get("/api/messages?" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo(parameter);
    }

    @Test
    void tooManyRecipientsAreRefusedBeforeAnyAddressIsParsed() throws Exception {
        // 20,000 entries, the first of them no address: the count is what answers, not the first bad entry.
        String many = String.join(",", java.util.Collections.nCopies(20_000, "\"x\""));
        HttpResponse<String> response = service.post("{\"from\":\"a@example.org\",\"to\":[" + many + "]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("to");
        assertThat(json(response).get("error").asText()).contains("20000 recipients exceed the limit of 100");
    }

    @Test
    void aKeyGivenTwiceInABatchItemIsNamedWithTheItem() throws Exception {
        HttpResponse<String> response = service.postBatch("[{\"from\":\"a@example.org\"," + TO + "},"
                + "{\"from\":\"a@example.org\",\"subject\":\"x\",\"subject\":\"y\"," + TO + "}]", Optional.empty());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("[1].subject");
        assertThat(queueFiles()).isEmpty();
    }

    @Test
    void theLongestLegalAddressPartsAreAccepted() throws Exception {
        String local64 = "a".repeat(64);
        String label63 = "d".repeat(63);
        service.accepted("{\"from\":\"" + local64 + "@" + label63 + ".example.org\"," + TO
                + ",\"subject\":\"tab\\there, Grüße\"}");
        assertThat(queueFiles()).hasSize(1);
    }

    @Test
    void aNegativeContentLengthIsRefusedNotReadUntilTheClientGivesUp() throws Exception {
        String body = "{\"from\":\"a@example.org\"," + TO + "}";
        for (String path : List.of("/api/messages", "/api/messages/batch")) {
            String status = rawStatusLine("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    + "\r\nContent-Length: -1\r\n\r\n" + body);
            assertThat(status).as(path).startsWith("HTTP/1.1 400");
        }
        assertThat(queueFiles()).isEmpty();
    }

    /** Sends {@code request} on a raw socket and returns the status line (the read times out after 10 s). */
    private String rawStatusLine(String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(),
                service.running().endpoint("admin").port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return StatusLine.read(socket.getInputStream());
        }
    }

    private List<Path> queueFiles() throws Exception {
        try (Stream<Path> files = Files.list(outbox.resolve("queue"))) {
            return files.toList();
        }
    }
}

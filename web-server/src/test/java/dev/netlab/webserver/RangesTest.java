package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Byte ranges (RFC 9110 section 14) over a real socket, for a small file the cache holds and a large one sent with
 * sendfile: 206, 416, multipart/byteranges, If-Range, and the fallbacks to 200.
 */
class RangesTest {

    private static final Instant MODIFIED = Instant.parse("2024-03-05T06:07:08.500Z");
    private static final String MODIFIED_TEXT = "Tue, 05 Mar 2024 06:07:08 GMT";

    @TempDir
    Path root;
    TestServer server;
    byte[] small;
    byte[] large;

    @BeforeEach
    void start() throws IOException {
        Random random = new Random(23);
        small = new byte[1000];
        random.nextBytes(small);
        large = new byte[300 * 1024];
        random.nextBytes(large);
        Files.write(root.resolve("small.bin"), small);
        Files.write(root.resolve("large.bin"), large);
        Files.setLastModifiedTime(root.resolve("small.bin"), FileTime.from(MODIFIED));
        Files.setLastModifiedTime(root.resolve("large.bin"), FileTime.from(MODIFIED));
        server = TestServer.start(root, Map.of("webserver.limits.header-section", "64KiB"));
        // The first GET caches the settled small file: every later request is served from memory.
        assertThat(get("small.bin").status()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawHttp.Reply request(String method, String file, String... headers) throws IOException {
        // Strict: the Content-Length must be exact, nothing may follow the body.
        return RawHttp.request(server.port(), method, "/" + file, headers);
    }

    private RawHttp.Reply get(String file, String... headers) throws IOException {
        return request("GET", file, headers);
    }

    private byte[] content(String file) {
        return file.equals("small.bin") ? small : large;
    }

    private void assertPartial(RawHttp.Reply reply, String file, int first, int last) {
        byte[] content = content(file);
        assertThat(reply.status()).isEqualTo(206);
        assertThat(reply.header("Content-Range")).isEqualTo("bytes " + first + "-" + last + "/" + content.length);
        assertThat(reply.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(reply.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(reply.header("ETag")).isNotNull();
        assertThat(reply.body()).isEqualTo(Arrays.copyOfRange(content, first, last + 1));
    }

    private void assertWhole(RawHttp.Reply reply, String file) {
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Range")).isNull();
        assertThat(reply.body()).isEqualTo(content(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"small.bin", "large.bin"})
    void aFileAnswerAdvertisesRanges(String file) throws Exception {
        RawHttp.Reply reply = get(file);
        assertWhole(reply, file);
        assertThat(reply.header("Accept-Ranges")).isEqualTo("bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"small.bin", "large.bin"})
    void oneRangeInEachFormIs206(String file) throws Exception {
        int size = content(file).length;
        assertPartial(get(file, "Range: bytes=0-9"), file, 0, 9);
        assertPartial(get(file, "Range: bytes=100-"), file, 100, size - 1);
        assertPartial(get(file, "Range: bytes=-10"), file, size - 10, size - 1);
        assertPartial(get(file, "Range: bytes=-99999999999999999999"), file, 0, size - 1);
        assertPartial(get(file, "Range: bytes=990-99999999999999999999"), file, 990, size - 1);
    }

    @Test
    void aLargeRangeOfALargeFileGoesOutWithSendfile() throws Exception {
        // Well beyond the writer's buffer, starting mid-file: the region's position must be honoured by transferTo.
        assertPartial(get("large.bin", "Range: bytes=1001-250000"), "large.bin", 1001, 250000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=1000000-", "bytes=-0", "bytes=99999999999999999999-", "bytes=5000000-6000000, -0"})
    void anUnsatisfiableRangeIs416WithTheSize(String range) throws Exception {
        for (String file : List.of("small.bin", "large.bin")) {
            if (file.equals("small.bin") || !range.startsWith("bytes=1000000")) {
                RawHttp.Reply reply = get(file, "Range: " + range);
                assertThat(reply.status()).as(file + " " + range).isEqualTo(416);
                assertThat(reply.header("Content-Range")).isEqualTo("bytes */" + content(file).length);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=5-2", "bytes=abc", "pages=1-2", "bytes=1-2-3", "bytes 0-9", "bytes=--5"})
    void anInvalidRangeIsIgnored(String range) throws Exception {
        assertWhole(get("small.bin", "Range: " + range), "small.bin");
        assertWhole(get("large.bin", "Range: " + range), "large.bin");
    }

    @Test
    void twoRangeFieldsAreIgnored() throws Exception {
        assertWhole(get("small.bin", "Range: bytes=0-1", "Range: bytes=2-3"), "small.bin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"small.bin", "large.bin"})
    void severalRangesAreMultipartWithAnExactLength(String file) throws Exception {
        RawHttp.Reply reply = get(file, "Range: bytes=500-599, 0-9, -5");
        assertThat(reply.status()).isEqualTo(206);
        assertThat(reply.header("Content-Range")).isNull();
        Matcher type = Pattern.compile("multipart/byteranges; boundary=(\\S+)").matcher(reply.header("Content-Type"));
        assertThat(type.matches()).isTrue();
        List<Part> parts = parts(reply.body(), type.group(1));
        int size = content(file).length;
        assertThat(parts).extracting(Part::contentRange).containsExactly("bytes 500-599/" + size,
                "bytes 0-9/" + size, "bytes " + (size - 5) + "-" + (size - 1) + "/" + size);
        assertThat(parts).extracting(Part::contentType).containsOnly("application/octet-stream");
        assertThat(parts.get(0).body()).isEqualTo(Arrays.copyOfRange(content(file), 500, 600));
        assertThat(parts.get(1).body()).isEqualTo(Arrays.copyOfRange(content(file), 0, 10));
        assertThat(parts.get(2).body()).isEqualTo(Arrays.copyOfRange(content(file), size - 5, size));
    }

    @Test
    void aMultipartWithLargeRangesOfALargeFileIsExact() throws Exception {
        RawHttp.Reply reply = get("large.bin", "Range: bytes=0-99999, 200000-");
        Matcher type = Pattern.compile("multipart/byteranges; boundary=(\\S+)").matcher(reply.header("Content-Type"));
        assertThat(type.matches()).isTrue();
        List<Part> parts = parts(reply.body(), type.group(1));
        assertThat(parts.get(0).body()).isEqualTo(Arrays.copyOfRange(large, 0, 100000));
        assertThat(parts.get(1).body()).isEqualTo(Arrays.copyOfRange(large, 200000, large.length));
    }

    @Test
    void overlappingOrTooManyRangesGetTheWholeFile() throws Exception {
        assertWhole(get("small.bin", "Range: bytes=0-10, 5-20"), "small.bin");
        assertWhole(get("large.bin", "Range: bytes=0-, -1"), "large.bin");
        StringBuilder many = new StringBuilder("Range: bytes=0-0");
        for (int i = 1; i < 10_000; i++) {
            many.append(",1-1");
        }
        assertWhole(get("small.bin", many.toString()), "small.bin");
        StringBuilder seventeen = new StringBuilder("Range: bytes=0-0");
        for (int i = 1; i < 17; i++) {
            seventeen.append(',').append(2 * i).append('-').append(2 * i);
        }
        assertWhole(get("large.bin", seventeen.toString()), "large.bin");
    }

    @Test
    void ifRangeWithTheStrongTagOrTheDateAppliesTheRange() throws Exception {
        String etag = get("small.bin").header("ETag");
        assertPartial(get("small.bin", "Range: bytes=0-9", "If-Range: " + etag), "small.bin", 0, 9);
        assertPartial(get("large.bin", "Range: bytes=0-9", "If-Range: " + MODIFIED_TEXT), "large.bin", 0, 9);
    }

    @Test
    void ifRangeThatDoesNotMatchSendsTheWholeFile() throws Exception {
        String etag = get("small.bin").header("ETag");
        assertWhole(get("small.bin", "Range: bytes=0-9", "If-Range: \"other\""), "small.bin");
        // A weak tag never matches If-Range.
        assertWhole(get("small.bin", "Range: bytes=0-9", "If-Range: W/" + etag), "small.bin");
        assertWhole(get("large.bin", "Range: bytes=0-9", "If-Range: Tue, 05 Mar 2024 06:07:09 GMT"), "large.bin");
        assertWhole(get("large.bin", "Range: bytes=0-9", "If-Range: " + "x".repeat(20_000)), "large.bin");
        assertWhole(get("large.bin", "Range: bytes=0-9", "If-Range: \"" + "x".repeat(20_000) + "\""), "large.bin");
        // If-Range decides between 206 and 200, never 416.
        assertWhole(get("small.bin", "Range: bytes=5000-", "If-Range: \"other\""), "small.bin");
    }

    @Test
    void headIgnoresRangeAndMirrorsTheWholeAnswer() throws Exception {
        RawHttp.Reply head = request("HEAD", "large.bin", "Range: bytes=0-9");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(large.length));
        assertThat(head.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(head.header("Content-Range")).isNull();
    }

    @Test
    void preconditionsComeBeforeTheRange() throws Exception {
        String etag = get("small.bin").header("ETag");
        RawHttp.Reply reply = get("small.bin", "Range: bytes=0-9", "If-None-Match: " + etag);
        assertThat(reply.status()).isEqualTo(304);
        assertThat(get("large.bin", "Range: bytes=0-9", "If-Match: \"other\"").status()).isEqualTo(412);
    }

    @Test
    void anEmptyFileIgnoresRanges() throws Exception {
        Files.write(root.resolve("empty.bin"), new byte[0]);
        RawHttp.Reply reply = get("empty.bin", "Range: bytes=0-");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEmpty();
    }

    @Test
    void theConnectionStaysUsableAfterRangesAndRefusals() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            for (String range : List.of("bytes=0-9", "bytes=99999999999999999999-", "bytes=0-1,4-5", "bytes=5-2")) {
                client.send("GET /large.bin HTTP/1.1\r\nHost: t\r\nRange: " + range + "\r\n\r\n");
                assertThat(client.read().status()).isIn(200, 206, 416);
            }
            client.send("GET /small.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=-3\r\n\r\n");
            assertThat(client.read().body()).isEqualTo(Arrays.copyOfRange(small, 997, 1000));
        }
    }

    /** One part of a multipart/byteranges body. */
    record Part(String contentType, String contentRange, byte[] body) {
    }

    /** Splits a multipart/byteranges body strictly (RFC 2046): delimiters, part heads, the close delimiter. */
    private static List<Part> parts(byte[] body, String boundary) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        assertThat(text).startsWith(delimiter + "\r\n").endsWith("\r\n" + delimiter + "--\r\n");
        List<Part> parts = new ArrayList<>();
        int at = delimiter.length() + 2;
        String end = "\r\n" + delimiter;
        while (true) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            Map<String, String> fields = new java.util.HashMap<>();
            for (String line : text.substring(at, headEnd).split("\r\n")) {
                int colon = line.indexOf(':');
                fields.put(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
            }
            Matcher range = Pattern.compile("bytes (\\d+)-(\\d+)/\\d+").matcher(fields.get("content-range"));
            assertThat(range.matches()).isTrue();
            int length = Integer.parseInt(range.group(2)) - Integer.parseInt(range.group(1)) + 1;
            int bodyStart = headEnd + 4;
            parts.add(new Part(fields.get("content-type"), fields.get("content-range"),
                    Arrays.copyOfRange(body, bodyStart, bodyStart + length)));
            at = bodyStart + length;
            assertThat(text.startsWith(end, at)).isTrue();
            at += end.length();
            if (text.startsWith("--\r\n", at)) {
                assertThat(at + 4).isEqualTo(body.length);
                return parts;
            }
            assertThat(text.startsWith("\r\n", at)).isTrue();
            at += 2;
        }
    }
}

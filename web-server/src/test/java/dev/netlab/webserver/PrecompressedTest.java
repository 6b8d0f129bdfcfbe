package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precompressed siblings over a real socket: name.br and name.gz chosen by Accept-Encoding, with the original's type,
 * their own ETag and length, and Vary on every answer for the name; stale, misplaced or escaping siblings ignored.
 */
class PrecompressedTest {

    private static final Instant MODIFIED = Instant.parse("2024-03-05T06:07:08.500Z");
    private static final String CSS = "body { color: red; }\n".repeat(40);

    @TempDir
    Path root;
    @TempDir
    Path outside;
    TestServer server;
    byte[] gzip;
    byte[] brotli;

    @BeforeEach
    void start() throws IOException {
        gzip = gzip(CSS);
        // Not real brotli: the server never decodes, it sends the sibling's bytes as they are.
        brotli = "pretend-brotli".getBytes(StandardCharsets.US_ASCII);
        write("site.css", CSS.getBytes(StandardCharsets.UTF_8), MODIFIED);
        write("site.css.gz", gzip, MODIFIED);
        write("site.css.br", brotli, MODIFIED.plusSeconds(5));
        server = TestServer.start(root, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void write(String name, byte[] bytes, Instant modified) throws IOException {
        Files.write(root.resolve(name), bytes);
        Files.setLastModifiedTime(root.resolve(name), FileTime.from(modified));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private RawHttp.Reply get(String path, String... headers) throws IOException {
        return RawHttp.request(server.port(), "GET", path, headers);
    }

    private static void assertIdentity(RawHttp.Reply reply) {
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Encoding")).isNull();
        assertThat(reply.text()).isEqualTo(CSS);
    }

    @Test
    void gzipIsServedToAClientThatTakesOnlyGzip() throws Exception {
        RawHttp.Reply reply = get("/site.css", "Accept-Encoding: gzip");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(reply.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(reply.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(reply.header("Content-Length")).isEqualTo(Integer.toString(gzip.length));
        assertThat(new String(new GZIPInputStream(new java.io.ByteArrayInputStream(reply.body())).readAllBytes(),
                StandardCharsets.UTF_8)).isEqualTo(CSS);
        assertThat(reply.header("ETag")).isNotEqualTo(get("/site.css").header("ETag"));
    }

    @Test
    void brIsPreferredWhenBothAreTakenAndWeightsDecideOtherwise() throws Exception {
        RawHttp.Reply br = get("/site.css", "Accept-Encoding: gzip, deflate, br");
        assertThat(br.header("Content-Encoding")).isEqualTo("br");
        assertThat(br.body()).isEqualTo(brotli);
        assertThat(br.header("ETag")).isNotEqualTo(get("/site.css", "Accept-Encoding: gzip").header("ETag"));
        assertThat(get("/site.css", "Accept-Encoding: br;q=0.5, gzip").header("Content-Encoding")).isEqualTo("gzip");
        assertThat(get("/site.css", "Accept-Encoding: *").header("Content-Encoding")).isEqualTo("br");
    }

    @Test
    void theIdentityAnswerVariesToo() throws Exception {
        RawHttp.Reply reply = get("/site.css");
        assertIdentity(reply);
        assertThat(reply.header("Vary")).isEqualTo("Accept-Encoding");
        assertIdentity(get("/site.css", "Accept-Encoding: gzip;q=0, br;q=0"));
        assertIdentity(get("/site.css", "Accept-Encoding: identity"));
        assertIdentity(get("/site.css", "Accept-Encoding: gzip;q=garbage, br;q=1.5, *;q=-1"));
    }

    @Test
    void theRefusalsVaryToo416And412() throws Exception {
        // Which form, and so which ETag and length, the status was decided on depends on Accept-Encoding.
        RawHttp.Reply unsatisfiable = get("/site.css", "Accept-Encoding: gzip", "Range: bytes=999999-");
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(unsatisfiable.header("Vary")).isEqualTo("Accept-Encoding");
        RawHttp.Reply failed = get("/site.css", "Accept-Encoding: gzip", "If-Match: \"other\"");
        assertThat(failed.status()).isEqualTo(412);
        assertThat(failed.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(get("/site.css", "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT").header("Vary"))
                .isEqualTo("Accept-Encoding");
    }

    @Test
    void aFileWithoutSiblingsDoesNotVary() throws Exception {
        write("plain.css", CSS.getBytes(StandardCharsets.UTF_8), MODIFIED);
        RawHttp.Reply reply = get("/plain.css", "Accept-Encoding: gzip, br");
        assertIdentity(reply);
        assertThat(reply.header("Vary")).isNull();
    }

    @Test
    void aSiblingOlderThanTheFileIsNeverSent() throws Exception {
        write("site.css", CSS.getBytes(StandardCharsets.UTF_8), MODIFIED.plusSeconds(60));
        RawHttp.Reply reply = get("/site.css", "Accept-Encoding: gzip, br");
        assertIdentity(reply);
        assertThat(reply.header("Vary")).isNull();
    }

    @Test
    void aSiblingThatIsADirectoryOrALinkOutOfTheRootIsIgnored() throws Exception {
        write("app.js", CSS.getBytes(StandardCharsets.UTF_8), MODIFIED);
        Files.createDirectory(root.resolve("app.js.gz"));
        Files.setLastModifiedTime(root.resolve("app.js.gz"), FileTime.from(MODIFIED.plusSeconds(1)));
        Files.write(outside.resolve("secret.br"), "outside the root".getBytes(StandardCharsets.US_ASCII));
        Files.createSymbolicLink(root.resolve("app.js.br"), outside.resolve("secret.br"));
        RawHttp.Reply reply = get("/app.js", "Accept-Encoding: gzip, br");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Encoding")).isNull();
        assertThat(reply.header("Vary")).isNull();
        assertThat(reply.text()).isEqualTo(CSS);
    }

    @Test
    void aRequestForTheSiblingItselfIsAnOrdinaryFile() throws Exception {
        // Twice each way: the small-file cache holds the sibling's bytes, never its encoded headers.
        for (int i = 0; i < 2; i++) {
            assertThat(get("/site.css", "Accept-Encoding: gzip").header("Content-Encoding")).isEqualTo("gzip");
            RawHttp.Reply direct = get("/site.css.gz", "Accept-Encoding: gzip");
            assertThat(direct.header("Content-Encoding")).isNull();
            assertThat(direct.header("Content-Type")).isEqualTo("application/gzip");
            assertThat(direct.body()).isEqualTo(gzip);
        }
    }

    @Test
    void revalidationUsesTheSelectedFormsTag() throws Exception {
        String gzipTag = get("/site.css", "Accept-Encoding: gzip").header("ETag");
        String identityTag = get("/site.css").header("ETag");
        RawHttp.Reply notModified = get("/site.css", "Accept-Encoding: gzip", "If-None-Match: " + gzipTag);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(notModified.header("ETag")).isEqualTo(gzipTag);
        // The identity tag does not validate the gzip form.
        RawHttp.Reply full = get("/site.css", "Accept-Encoding: gzip", "If-None-Match: " + identityTag);
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.header("Content-Encoding")).isEqualTo("gzip");
    }

    @Test
    void aRangeOfThePrecompressedFormCutsTheEncodedBytes() throws Exception {
        RawHttp.Reply reply = get("/site.css", "Accept-Encoding: gzip", "Range: bytes=0-9");
        assertThat(reply.status()).isEqualTo(206);
        assertThat(reply.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(reply.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(reply.header("Content-Range")).isEqualTo("bytes 0-9/" + gzip.length);
        assertThat(reply.body()).isEqualTo(Arrays.copyOfRange(gzip, 0, 10));
        // Several ranges of an encoded form: the whole of it (a multipart part cannot name its coding).
        RawHttp.Reply several = get("/site.css", "Accept-Encoding: gzip", "Range: bytes=0-1,5-6");
        assertThat(several.status()).isEqualTo(200);
        assertThat(several.body()).isEqualTo(gzip);
    }

    @Test
    void anIndexPageFindsItsSiblingsToo() throws Exception {
        Files.createDirectory(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<p>docs</p>");
        Files.write(root.resolve("docs/index.html.gz"), gzip("<p>docs</p>"));
        RawHttp.Reply reply = get("/docs/", "Accept-Encoding: gzip");
        assertThat(reply.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(reply.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    }

    @Test
    void switchedOffNoSiblingIsLookedFor() throws Exception {
        server.close();
        server = TestServer.start(root, Map.of("webserver.precompressed", "false"));
        RawHttp.Reply reply = get("/site.css", "Accept-Encoding: gzip, br");
        assertIdentity(reply);
        assertThat(reply.header("Vary")).isNull();
    }
}

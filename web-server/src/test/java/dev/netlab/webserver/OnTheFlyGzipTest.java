package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gzip per request (webserver.compression.*): text types above the threshold, Vary, weak ETag, never for ranges. */
class OnTheFlyGzipTest {

    private static final Instant MODIFIED = Instant.parse("2024-03-05T06:07:08Z");
    private static final String CSS = "a { b: c; }\n".repeat(200);
    private static final String BIG = "<p>paragraph</p>\n".repeat(3000);

    @TempDir
    Path root;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        write("site.css", CSS);
        write("big.html", BIG);
        write("tiny.css", "a{}");
        Files.write(root.resolve("image.png"), new byte[5000]);
        server = TestServer.start(root, Map.of("webserver.compression.gzip", "true",
                "webserver.compression.min-size", "100"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(root.resolve(name), text);
        Files.setLastModifiedTime(root.resolve(name), FileTime.from(MODIFIED));
    }

    private RawHttp.Reply get(String path, String... headers) throws IOException {
        return RawHttp.request(server.port(), "GET", path, headers);
    }

    private static String gunzip(byte[] body) throws IOException {
        return new String(new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aTextFileIsGzippedForAClientThatTakesIt() throws Exception {
        for (String path : new String[] {"/site.css", "/big.html", "/site.css"}) {
            RawHttp.Reply reply = get(path, "Accept-Encoding: gzip, deflate");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(reply.header("Vary")).isEqualTo("Accept-Encoding");
            assertThat(reply.header("ETag")).startsWith("W/\"").endsWith("-gzip\"");
            assertThat(gunzip(reply.body())).isEqualTo(path.equals("/big.html") ? BIG : CSS);
        }
    }

    @Test
    void headMirrorsTheGzippedLength() throws Exception {
        String length = get("/site.css", "Accept-Encoding: gzip").header("Content-Length");
        RawHttp.Reply head = RawHttp.request(server.port(), "HEAD", "/site.css", "Accept-Encoding: gzip");
        assertThat(head.header("Content-Length")).isEqualTo(length);
        assertThat(head.header("Content-Encoding")).isEqualTo("gzip");
    }

    @Test
    void otherwiseTheIdentityFormVaries() throws Exception {
        RawHttp.Reply reply = get("/site.css");
        assertThat(reply.header("Content-Encoding")).isNull();
        assertThat(reply.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(reply.text()).isEqualTo(CSS);
        assertThat(get("/site.css", "Accept-Encoding: gzip;q=0").header("Content-Encoding")).isNull();
    }

    @Test
    void aRangeGetsTheIdentityForm() throws Exception {
        RawHttp.Reply reply = get("/site.css", "Accept-Encoding: gzip", "Range: bytes=0-3");
        assertThat(reply.status()).isEqualTo(206);
        assertThat(reply.header("Content-Encoding")).isNull();
        assertThat(reply.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(reply.text()).isEqualTo(CSS.substring(0, 4));
    }

    @Test
    void smallFilesAndOtherTypesAreSentAsTheyAre() throws Exception {
        for (String path : new String[] {"/tiny.css", "/image.png"}) {
            RawHttp.Reply reply = get(path, "Accept-Encoding: gzip");
            assertThat(reply.header("Content-Encoding")).as(path).isNull();
            assertThat(reply.header("Vary")).as(path).isNull();
        }
    }

    @Test
    void theWeakTagRevalidates() throws Exception {
        String etag = get("/site.css", "Accept-Encoding: gzip").header("ETag");
        RawHttp.Reply reply = get("/site.css", "Accept-Encoding: gzip", "If-None-Match: " + etag);
        assertThat(reply.status()).isEqualTo(304);
        assertThat(reply.header("Vary")).isEqualTo("Accept-Encoding");
        // The identity tag does not validate the gzip form, nor the gzip tag the identity form.
        assertThat(get("/site.css", "If-None-Match: " + etag).status()).isEqualTo(200);
    }

    @Test
    void offByDefaultAndABadTypeNamesItsKey() {
        assertThat(FileServingConfig.from(ConfigLoader.load(Optional.empty(), Map.of(), Map.of())).gzip().enabled())
                .isFalse();
        assertThatThrownBy(() -> FileServingConfig.from(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("webserver.compression.min-size", "lots"))))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("webserver.compression.min-size");
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same target asked again, after the file system changed under it: what the server keeps per target (its
 * parse, its steps, its ETag and 304 head) never outlives the change.
 */
class RepeatedTargetsTest {

    private static final Instant FIRST = Instant.parse("2024-03-05T06:07:08Z");
    private static final Instant SECOND = Instant.parse("2024-04-06T07:08:09Z");

    @TempDir
    Path base;
    Path root;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(base.resolve("www"));
        write(root.resolve("page.txt"), "first\n", FIRST);
        Files.createDirectories(root.resolve("sub"));
        write(root.resolve("sub/a.txt"), "in sub\n", FIRST);
        Files.createDirectories(root.resolve("other"));
        write(root.resolve("other/a.txt"), "in other\n", FIRST);
        write(root.resolve("real.html"), "<p>real</p>\n", FIRST);
        write(base.resolve("secret.txt"), "outside\n", FIRST);
        // A stat per request: what is kept per target must not outlive a change by even the check interval.
        server = TestServer.start(root, Map.of("webserver.file-check-interval", "0s"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void write(Path file, String text, Instant modified) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private RawHttp.Reply get(String path, String... headers) throws IOException {
        return RawHttp.request(server.port(), "GET", path, headers);
    }

    @Test
    void aChangedFileIsAnsweredWithItsNewBytesAndValidators() throws Exception {
        RawHttp.Reply before = get("/page.txt");
        assertThat(get("/page.txt").text()).isEqualTo("first\n");
        write(root.resolve("page.txt"), "second, longer\n", SECOND);
        RawHttp.Reply after = get("/page.txt");
        assertThat(after.text()).isEqualTo("second, longer\n");
        assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
        assertThat(after.header("Last-Modified")).isEqualTo("Sat, 06 Apr 2024 07:08:09 GMT");
    }

    @Test
    void revalidationFollowsTheFilesNewValidators() throws Exception {
        String first = get("/page.txt").header("ETag");
        assertThat(get("/page.txt", "If-None-Match: " + first).status()).isEqualTo(304);
        write(root.resolve("page.txt"), "second, longer\n", SECOND);
        RawHttp.Reply changed = get("/page.txt", "If-None-Match: " + first);
        assertThat(changed.status()).isEqualTo(200);
        String second = changed.header("ETag");
        RawHttp.Reply notModified = get("/page.txt", "If-None-Match: " + second);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("ETag")).isEqualTo(second);
        assertThat(notModified.header("Last-Modified")).isEqualTo("Sat, 06 Apr 2024 07:08:09 GMT");
    }

    @Test
    void a304VariesOnceASiblingAppears() throws Exception {
        String etag = get("/page.txt").header("ETag");
        assertThat(get("/page.txt", "If-None-Match: " + etag).header("Vary")).isNull();
        write(root.resolve("page.txt.gz"), "pretend gzip", SECOND);
        RawHttp.Reply notModified = get("/page.txt", "If-None-Match: " + etag);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("Vary")).isEqualTo("Accept-Encoding");
    }

    @Test
    void aFileReplacedByALinkOutOfTheRootIsNotFound() throws Exception {
        assertThat(get("/page.txt").status()).isEqualTo(200);
        Files.delete(root.resolve("page.txt"));
        Files.createSymbolicLink(root.resolve("page.txt"), base.resolve("secret.txt"));
        assertThat(get("/page.txt").status()).isEqualTo(404);
        Files.delete(root.resolve("page.txt"));
        assertThat(get("/page.txt").status()).isEqualTo(404);
    }

    @Test
    void aDirectoryOnThePathReplacedByALinkIsFollowedToWhereItLeads() throws Exception {
        assertThat(get("/sub/a.txt").text()).isEqualTo("in sub\n");
        Files.move(root.resolve("sub"), base.resolve("old-sub"));
        Files.createSymbolicLink(root.resolve("sub"), root.resolve("other"));
        assertThat(get("/sub/a.txt").text()).isEqualTo("in other\n");
        Files.delete(root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("sub"), base.resolve("old-sub"));
        assertThat(get("/sub/a.txt").status()).isEqualTo(404);
    }

    @Test
    void aFileReplacedByALinkInsideTheRootTakesTheTypeOfWhatItLeadsTo() throws Exception {
        write(root.resolve("page.txt.gz"), "pretend gzip", SECOND);
        assertThat(get("/page.txt", "Accept-Encoding: gzip").header("Content-Type")).startsWith("text/plain");
        Files.delete(root.resolve("page.txt"));
        Files.createSymbolicLink(root.resolve("page.txt"), root.resolve("real.html"));
        assertThat(get("/page.txt").header("Content-Type")).startsWith("text/html");
        // The precompressed sibling beside the link is sent with the type of the file the link leads to.
        RawHttp.Reply encoded = get("/page.txt", "Accept-Encoding: gzip");
        assertThat(encoded.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(encoded.header("Content-Type")).startsWith("text/html");
    }
}

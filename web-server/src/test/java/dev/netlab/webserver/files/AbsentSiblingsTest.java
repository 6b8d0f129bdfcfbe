package dev.netlab.webserver.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.BodyFraming;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpVersion;
import dev.netlab.webserver.http.RequestHead;
import dev.netlab.webserver.http.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule by which a file known to have no precompressed sibling is not searched again: its directory's stat is the
 * validator (creating, deleting or renaming an entry changes the directory's modification time), trusted only once
 * that time has settled, and a sibling that exists in any form (stale, a directory, a link) is looked at every time.
 */
class AbsentSiblingsTest {

    private static final Instant OLD = Instant.parse("2020-01-02T03:04:05.123456789Z");

    @TempDir
    Path root;
    StaticFileHandler handler;

    @BeforeEach
    void site() throws IOException {
        write(root.resolve("page.html"), "page", OLD);
        handler = handler(Clock.systemUTC());
    }

    private StaticFileHandler handler(Clock clock) throws IOException {
        return new StaticFileHandler(PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.INSIDE_ROOT),
                true, new FileCache(clock));
    }

    @Test
    void aSiblingCreatedInASettledDirectoryIsNoticedAtOnce() throws Exception {
        Files.setLastModifiedTime(root, FileTime.from(OLD));
        assertThat(vary("/page.html")).isNull();
        assertThat(vary("/page.html")).isNull();
        write(root.resolve("page.html.gz"), "gzip", OLD.plusSeconds(1));
        assertThat(vary("/page.html")).isEqualTo("Accept-Encoding");
        Files.delete(root.resolve("page.html.gz"));
        assertThat(vary("/page.html")).isNull();
    }

    @Test
    void aSettledDirectoryWhoseStatIsUnchangedIsNotSearchedAgain() throws Exception {
        Files.setLastModifiedTime(root, FileTime.from(OLD));
        assertThat(vary("/page.html")).isNull();
        // A sibling made with the directory's time put back: only a lookup of the name could see it.
        write(root.resolve("page.html.gz"), "gzip", OLD.plusSeconds(1));
        Files.setLastModifiedTime(root, FileTime.from(OLD));
        assertThat(vary("/page.html")).isNull();
        Files.setLastModifiedTime(root, FileTime.from(OLD.plusSeconds(1)));
        assertThat(vary("/page.html")).isEqualTo("Accept-Encoding");
    }

    @Test
    void aDirectoryModifiedLessThanASecondAgoIsSearchedOnEveryRequest() throws Exception {
        Instant now = Instant.parse("2030-05-06T07:08:09Z");
        handler = handler(Clock.fixed(now.plusMillis(999), ZoneOffset.UTC));
        Files.setLastModifiedTime(root, FileTime.from(now));
        assertThat(vary("/page.html")).isNull();
        // A change in the same clock tick can leave the directory's time as it was.
        write(root.resolve("page.html.gz"), "gzip", now);
        Files.setLastModifiedTime(root, FileTime.from(now));
        assertThat(vary("/page.html")).isEqualTo("Accept-Encoding");
    }

    @Test
    void aStaleSiblingIsLookedAtOnEveryRequest() throws Exception {
        write(root.resolve("page.html.gz"), "gzip", OLD.minusSeconds(1));
        Files.setLastModifiedTime(root, FileTime.from(OLD));
        assertThat(vary("/page.html")).isNull();
        // Rewritten in place: the directory does not change, the sibling is now fresh.
        write(root.resolve("page.html.gz"), "gzip", OLD.plusSeconds(1));
        assertThat(vary("/page.html")).isEqualTo("Accept-Encoding");
    }

    @Test
    void aDirectoryReplacedByAnotherWithTheSameTimeIsSearchedAgain() throws Exception {
        Path sub = Files.createDirectory(root.resolve("sub"));
        write(sub.resolve("a.css"), "a", OLD);
        Files.setLastModifiedTime(sub, FileTime.from(OLD));
        assertThat(vary("/sub/a.css")).isNull();
        Path other = Files.createDirectory(root.resolve("other"));
        write(other.resolve("a.css"), "a", OLD);
        write(other.resolve("a.css.br"), "br", OLD.plusSeconds(1));
        Files.setLastModifiedTime(other, FileTime.from(OLD));
        Files.delete(sub.resolve("a.css"));
        Files.delete(sub);
        Files.move(other, sub);
        assertThat(vary("/sub/a.css")).isEqualTo("Accept-Encoding");
    }

    private String vary(String target) throws Exception {
        Response response = handler.handle(new RequestHead("GET", target, HttpVersion.HTTP_1_1,
                new Headers().add("Host", "t").add("Accept-Encoding", "gzip, br"), BodyFraming.NONE));
        try (Body body = response.body()) {
            assertThat(response.status().code()).isEqualTo(200);
            return response.headers().first("Vary");
        }
    }

    /** Writes in place (same inode), then sets the modification time. */
    private static void write(Path file, String text, Instant modified) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }
}

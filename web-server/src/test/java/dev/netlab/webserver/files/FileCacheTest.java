package dev.netlab.webserver.files;

import static dev.netlab.webserver.files.TestFiles.text;
import static dev.netlab.webserver.files.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.BodyFraming;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpVersion;
import dev.netlab.webserver.http.KeptFile;
import dev.netlab.webserver.http.RequestHead;
import dev.netlab.webserver.http.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small-file cache through the handler: it serves from memory only what one stat shows unchanged. */
class FileCacheTest {

    private static final Instant OLD = Instant.parse("2020-01-02T03:04:05.123456789Z");

    @TempDir
    Path root;
    Path page;
    FileCache cache;
    StaticFileHandler handler;

    @BeforeEach
    void site() throws IOException {
        page = root.resolve("page.html");
        write(page, "first", OLD);
        cache = new FileCache(Clock.systemUTC());
        handler = new StaticFileHandler(PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.INSIDE_ROOT),
                true, cache);
    }

    @Test
    void aSettledSmallFileIsCachedAndServedFromMemoryWithTheSameHead() throws Exception {
        Response first = get("/page.html");
        assertThat(first.body()).isInstanceOf(Body.Bytes.class);
        assertThat(cache.size()).isEqualTo(1);
        Response second = get("/page.html");
        assertThat(text(second)).isEqualTo("first");
        assertThat(second.headers().first("ETag")).isEqualTo(first.headers().first("ETag"));
        assertThat(second.headers().first("Last-Modified")).isEqualTo("Thu, 02 Jan 2020 03:04:05 GMT");
        assertThat(second.headers().first("Content-Type")).isEqualTo("text/html; charset=utf-8");
    }

    @Test
    void aSameSizeRewriteInPlaceWithANewTimeIsServedFresh() throws Exception {
        get("/page.html");
        write(page, "fresh", OLD.plusNanos(1));
        assertThat(text(get("/page.html"))).isEqualTo("fresh");
    }

    @Test
    void aSameSizeSameTimeFileRenamedOverItIsServedFresh() throws Exception {
        get("/page.html");
        Path other = root.resolve("other.tmp");
        write(other, "fresh", OLD);
        Files.move(other, page, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(text(get("/page.html"))).isEqualTo("fresh");
    }

    @Test
    void aFileModifiedLessThanASecondAgoIsNotCached() throws Exception {
        // A second write in the same clock tick may leave the time unchanged: simulate it by restoring the time.
        Instant now = Instant.parse("2030-05-06T07:08:09Z");
        StaticFileHandler atWrite = new StaticFileHandler(
                PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.INSIDE_ROOT), true,
                new FileCache(Clock.fixed(now.plusMillis(999), ZoneOffset.UTC)));
        write(page, "first", now);
        assertThat(text(atWrite.handle(head("/page.html")))).isEqualTo("first");
        write(page, "fresh", now);
        assertThat(text(atWrite.handle(head("/page.html")))).isEqualTo("fresh");
    }

    @Test
    void aFileLargerThanTheLimitIsSentFromItsChannel() throws Exception {
        Path big = root.resolve("big.bin");
        Files.write(big, new byte[FileCache.MAX_FILE_BYTES + 1]);
        Files.setLastModifiedTime(big, FileTime.from(OLD));
        Response response = get("/big.bin");
        assertThat(response.body()).isInstanceOf(Body.FileRegion.class);
        response.body().close();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aFileUpTo64KiBIsCachedInADirectBufferAndServedWholeAndInRanges() throws Exception {
        byte[] content = new byte[64 * 1024];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + i / 251);
        }
        Path medium = root.resolve("medium.bin");
        Files.write(medium, content);
        Files.setLastModifiedTime(medium, FileTime.from(OLD));
        get("/medium.bin").body().close();
        Response cached = get("/medium.bin");
        assertThat(cached.body()).isInstanceOf(Body.Shared.class);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(bytes(cached)).isEqualTo(content);
        // Every answer has its own view: a second one sends the same bytes again.
        assertThat(bytes(get("/medium.bin"))).isEqualTo(content);
        Response range = handler.handle(new RequestHead("GET", "/medium.bin", HttpVersion.HTTP_1_1,
                new Headers().add("Host", "t").add("Range", "bytes=1000-1999"), BodyFraming.NONE));
        assertThat(range.status().code()).isEqualTo(206);
        assertThat(bytes(range)).isEqualTo(java.util.Arrays.copyOfRange(content, 1000, 2000));
    }

    @Test
    void aDeletedFileIs404AndLeavesTheCache() throws Exception {
        get("/page.html");
        Files.delete(page);
        assertThat(get("/page.html").status().code()).isEqualTo(404);
        write(page, "again", OLD.plusSeconds(1));
        assertThat(text(get("/page.html"))).isEqualTo("again");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aCachedFilesHeadIsBuiltOnceAndRebuiltWhenTheFileChanges() throws Exception {
        get("/page.html");
        Response first = get("/page.html");
        Response second = get("/page.html");
        assertThat(second.headers()).isSameAs(first.headers());
        assertThat(second.headers().first("Accept-Ranges")).isEqualTo("bytes");
        write(page, "changed", OLD.plusSeconds(5));
        Response changed = get("/page.html");
        assertThat(text(changed)).isEqualTo("changed");
        assertThat(changed.headers().first("ETag")).isNotEqualTo(first.headers().first("ETag"));
        assertThat(changed.headers().first("Last-Modified")).isEqualTo("Thu, 02 Jan 2020 03:04:10 GMT");
    }

    @Test
    void aCachedFilesHeadGainsVaryWhenAPrecompressedSiblingAppears() throws Exception {
        get("/page.html");
        assertThat(get("/page.html").headers().first("Vary")).isNull();
        write(root.resolve("page.html.gz"), "gzip", OLD.plusSeconds(1));
        Response identity = get("/page.html");
        assertThat(text(identity)).isEqualTo("first");
        assertThat(identity.headers().first("Vary")).isEqualTo("Accept-Encoding");
        Files.delete(root.resolve("page.html.gz"));
        assertThat(get("/page.html").headers().first("Vary")).isNull();
    }

    @Test
    void aCachedFileLargerThanTheAnswerBufferStaysOpenUntilItsEntryLeavesTheCache() throws Exception {
        Path medium = mediumFile("medium.bin", 40 * 1024, OLD);
        get("/medium.bin").body().close();
        Body.Shared cached = (Body.Shared) get("/medium.bin").body();
        assertThat(cached.file()).isNotNull();
        assertThat(cached.file().isOpen()).isTrue();
        // One channel per carrier (up to four), each lent to one answer at a time.
        assertThat(cached.file().size()).isEqualTo(KeptFile.CHANNELS);
        assertThat(cache.keptPlaces()).isEqualTo(KeptFile.CHANNELS);
        // Closing an answer's body leaves the cache's file open for the next answers.
        cached.close();
        assertThat(cached.file().isOpen()).isTrue();
        // A new version replaces the entry: the old file is closed and its places given back, the new one kept.
        Files.setLastModifiedTime(medium, FileTime.from(OLD.plusSeconds(1)));
        get("/medium.bin").body().close();
        Body.Shared fresh = (Body.Shared) get("/medium.bin").body();
        assertThat(cached.file().isOpen()).isFalse();
        for (int i = 0; i < cached.file().size(); i++) {
            assertThat(cached.file().channel(i).isOpen()).isFalse();
        }
        assertThat(fresh.file()).isNotNull().isNotSameAs(cached.file());
        assertThat(cache.keptPlaces()).isEqualTo(KeptFile.CHANNELS);
    }

    @Test
    void aKeptFilesChannelsAllReadTheSameFile() throws Exception {
        byte[] content = Files.readAllBytes(mediumFile("same.bin", 20 * 1024, OLD));
        get("/same.bin").body().close();
        KeptFile kept = ((Body.Shared) get("/same.bin").body()).file();
        for (int i = 0; i < kept.size(); i++) {
            ByteBuffer read = ByteBuffer.allocate(content.length);
            kept.channel(i).read(read, 0);
            assertThat(read.array()).as("channel %d", i).isEqualTo(content);
        }
    }

    @Test
    void noMoreChannelsStayOpenThanThePlacesForThem() throws Exception {
        int files = StaticFileHandler.DESCRIPTORS_KEPT_OPEN + 3;
        for (int i = 0; i < files; i++) {
            mediumFile("m" + i + ".bin", 20 * 1024, OLD);
            get("/m" + i + ".bin").body().close();
        }
        assertThat(cache.size()).isEqualTo(files);
        assertThat(cache.keptPlaces()).isEqualTo(StaticFileHandler.DESCRIPTORS_KEPT_OPEN);
        int open = 0;
        int kept = 0;
        for (int i = 0; i < files; i++) {
            Body.Shared body = (Body.Shared) get("/m" + i + ".bin").body();
            if (body.file() != null && body.file().isOpen()) {
                open += body.file().size();
                kept++;
            }
        }
        assertThat(open).isEqualTo(StaticFileHandler.DESCRIPTORS_KEPT_OPEN);
        // The first files take their full share; the last places left go to one more file, however few.
        assertThat(kept).isEqualTo(Math.ceilDiv(StaticFileHandler.DESCRIPTORS_KEPT_OPEN, KeptFile.CHANNELS));
    }

    @Test
    void aSmallCachedFileIsNotKeptOpen() throws Exception {
        get("/page.html");
        assertThat(get("/page.html").body()).isInstanceOf(Body.Bytes.class);
        assertThat(cache.keptPlaces()).isZero();
    }

    private Path mediumFile(String name, int size, Instant modified) throws IOException {
        byte[] content = new byte[size];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7 + name.hashCode());
        }
        Path file = root.resolve(name);
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private Response get(String target) throws Exception {
        return handler.handle(head(target));
    }

    private static RequestHead head(String target) {
        return new RequestHead("GET", target, HttpVersion.HTTP_1_1, new Headers().add("Host", "t"),
                BodyFraming.NONE);
    }

    private static byte[] bytes(Response response) throws IOException {
        try (Body body = response.body()) {
            ByteBuffer view = ((Body.Shared) body).view();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return bytes;
        }
    }
}

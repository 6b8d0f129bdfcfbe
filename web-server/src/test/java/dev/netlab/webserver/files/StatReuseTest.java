package dev.netlab.webserver.files;

import static dev.netlab.webserver.files.TestFiles.text;
import static dev.netlab.webserver.files.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.MutableClock;
import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.BodyFraming;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpVersion;
import dev.netlab.webserver.http.RequestHead;
import dev.netlab.webserver.http.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target's stat reused for at most the check interval: a file changed on disk is answered as before for less than
 * the interval after the last stat, never longer, and never as new bytes under the old validators.
 */
class StatReuseTest {

    private static final Instant OLD = Instant.parse("2020-01-02T03:04:05Z");
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration JUST_UNDER = INTERVAL.minusMillis(1);

    @TempDir
    Path root;
    Path page;
    MutableClock clock;
    StaticFileHandler handler;

    @BeforeEach
    void site() throws IOException {
        page = root.resolve("page.html");
        write(page, "first", OLD);
        clock = new MutableClock(Instant.parse("2030-05-06T07:08:09Z"));
        handler = handler(INTERVAL);
    }

    private StaticFileHandler handler(Duration interval) throws IOException {
        return new StaticFileHandler(PathResolver.create(root, DotfilePolicy.REFUSE, SymlinkPolicy.INSIDE_ROOT),
                new ServingPolicy(true, true, CacheControlRules.NONE, OnTheFlyGzip.DISABLED, interval),
                new FileCache(clock));
    }

    @Test
    void aChangedFileIsAnsweredAsBeforeUnderTheIntervalAndFreshOnceItHasPassed() throws Exception {
        String tag = get("/page.html").headers().first("ETag");
        write(page, "fresh", OLD.plusSeconds(1));
        clock.advance(JUST_UNDER);
        Response reused = get("/page.html");
        assertThat(text(reused)).isEqualTo("first");
        assertThat(reused.headers().first("ETag")).isEqualTo(tag);
        clock.advance(Duration.ofMillis(1));
        Response fresh = get("/page.html");
        assertThat(text(fresh)).isEqualTo("fresh");
        assertThat(fresh.headers().first("ETag")).isNotEqualTo(tag);
    }

    @Test
    void theIntervalCountsFromTheLastStatNotFromEachReuse() throws Exception {
        get("/page.html");
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofMillis(40));
            get("/page.html");
        }
        write(page, "fresh", OLD.plusSeconds(1));
        clock.advance(Duration.ofMillis(40));
        // 120 ms after the stat: the requests every 40 ms must not have kept it alive.
        assertThat(text(get("/page.html"))).isEqualTo("fresh");
    }

    @Test
    void aDeletedFileIsA404OnceTheIntervalHasPassed() throws Exception {
        get("/page.html");
        Files.delete(page);
        clock.advance(INTERVAL);
        assertThat(get("/page.html").status().code()).isEqualTo(404);
    }

    @Test
    void aRevalidationUnderTheIntervalIs304AndTheChangeIsSeenAfterIt() throws Exception {
        String tag = get("/page.html").headers().first("ETag");
        write(page, "fresh", OLD.plusSeconds(1));
        clock.advance(JUST_UNDER);
        assertThat(revalidate("/page.html", tag).status().code()).isEqualTo(304);
        clock.advance(Duration.ofMillis(1));
        Response changed = revalidate("/page.html", tag);
        assertThat(changed.status().code()).isEqualTo(200);
        assertThat(text(changed)).isEqualTo("fresh");
    }

    @Test
    void aFileNotHeldInMemoryIsNeverSentAsNewBytesUnderTheOldValidators() throws Exception {
        Path big = root.resolve("big.bin");
        byte[] first = new byte[FileCache.MAX_FILE_BYTES + 1];
        Files.write(big, first);
        Files.setLastModifiedTime(big, FileTime.from(OLD));
        Response before = get("/big.bin");
        before.body().close();
        byte[] longer = Arrays.copyOf(first, first.length + 10);
        Files.write(big, longer);
        Files.setLastModifiedTime(big, FileTime.from(OLD.plusSeconds(1)));
        clock.advance(Duration.ofMillis(1));
        Response after = get("/big.bin");
        try (Body body = after.body()) {
            // The reused stat would have promised the old length and tag: the file is stat'ed again before it is sent.
            assertThat(((Body.FileRegion) body).length()).isEqualTo(longer.length);
        }
        assertThat(after.headers().first("ETag")).isNotEqualTo(before.headers().first("ETag"));
    }

    @Test
    void aPrecompressedSiblingCreatedUnderTheIntervalIsServedOnceItHasPassed() throws Exception {
        assertThat(get("/page.html").headers().first("Vary")).isNull();
        write(root.resolve("page.html.gz"), "gzip", OLD.plusSeconds(1));
        clock.advance(INTERVAL);
        Response identity = get("/page.html");
        assertThat(text(identity)).isEqualTo("first");
        assertThat(identity.headers().first("Vary")).isEqualTo("Accept-Encoding");
    }

    @Test
    void aClockSetBackMakesTheNextRequestStatAgain() throws Exception {
        get("/page.html");
        write(page, "fresh", OLD.plusSeconds(1));
        clock.advance(Duration.ofSeconds(-5));
        assertThat(text(get("/page.html"))).isEqualTo("fresh");
    }

    @Test
    void aZeroIntervalStatsEveryRequest() throws Exception {
        handler = handler(Duration.ZERO);
        get("/page.html");
        write(page, "fresh", OLD.plusSeconds(1));
        assertThat(text(get("/page.html"))).isEqualTo("fresh");
    }

    private Response get(String target) throws Exception {
        return handler.handle(new RequestHead("GET", target, HttpVersion.HTTP_1_1, new Headers().add("Host", "t"),
                BodyFraming.NONE));
    }

    private Response revalidate(String target, String etag) throws Exception {
        return handler.handle(new RequestHead("GET", target, HttpVersion.HTTP_1_1,
                new Headers().add("Host", "t").add("If-None-Match", etag), BodyFraming.NONE));
    }
}

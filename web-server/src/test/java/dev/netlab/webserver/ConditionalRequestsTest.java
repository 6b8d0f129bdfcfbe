package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.webserver.http.HttpDate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditional requests (RFC 9110 section 13) over a real socket: 304 and 412 in the precedence of 13.2.2. */
class ConditionalRequestsTest {

    /** The file's modification time: 500 ms past a whole second, so whole-second comparison matters. */
    private static final Instant MODIFIED = Instant.parse("2024-03-05T06:07:08.500Z");
    private static final String MODIFIED_TEXT = "Tue, 05 Mar 2024 06:07:08 GMT";

    @TempDir
    Path root;
    TestServer server;
    String etag;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(root.resolve("page.html"), "<p>page</p>\n");
        Files.setLastModifiedTime(root.resolve("page.html"), FileTime.from(MODIFIED));
        server = TestServer.start(root, Map.of());
        etag = RawHttp.get(server.port(), "/page.html").header("ETag");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawHttp.Reply request(String method, String... headers) throws IOException {
        return RawHttp.request(server.port(), method, "/page.html", headers);
    }

    private RawHttp.Reply get(String... headers) throws IOException {
        return request("GET", headers);
    }

    private void assertNotModified(RawHttp.Reply reply) {
        assertThat(reply.status()).isEqualTo(304);
        assertThat(reply.body()).isEmpty();
        assertThat(reply.header("Content-Length")).isNull();
        assertThat(reply.header("ETag")).isEqualTo(etag);
        assertThat(reply.header("Last-Modified")).isEqualTo(MODIFIED_TEXT);
        assertThat(reply.header("Date")).endsWith(" GMT");
    }

    @Test
    void ifNoneMatchWithTheCurrentTagIs304WithValidatorsAndNoBody() throws Exception {
        assertNotModified(get("If-None-Match: " + etag));
        assertNotModified(request("HEAD", "If-None-Match: " + etag));
    }

    @Test
    void ifNoneMatchComparesWeaklyAcceptsStarAndLists() throws Exception {
        assertNotModified(get("If-None-Match: W/" + etag));
        assertNotModified(get("If-None-Match: *"));
        assertNotModified(get("If-None-Match: \"other\", W/\"x,y\", " + etag));
        assertNotModified(get("If-None-Match: \"other\"", "If-None-Match: " + etag));
        assertThat(get("If-None-Match: \"other\"").status()).isEqualTo(200);
    }

    @Test
    void ifModifiedSinceComparesWholeSeconds() throws Exception {
        assertNotModified(get("If-Modified-Since: " + MODIFIED_TEXT));
        assertNotModified(get("If-Modified-Since: Tue, 05 Mar 2024 06:07:09 GMT"));
        RawHttp.Reply older = get("If-Modified-Since: Tue, 05 Mar 2024 06:07:07 GMT");
        assertThat(older.status()).isEqualTo(200);
        assertThat(older.text()).isEqualTo("<p>page</p>\n");
    }

    @Test
    void anIfModifiedSinceLaterThanNowIsIgnored() throws Exception {
        // RFC 2616 called such a date invalid; RFC 9110 is silent but makes the 304 a SHOULD. None of our
        // Last-Modified values is later than our Date, so it comes from a clock ahead of ours: 200, as Apache
        // (ims <= request time) and nginx (if_modified_since exact) answer.
        RawHttp.Reply tomorrow = get("If-Modified-Since: " + HttpDate.format(Instant.now().plus(Duration.ofDays(1))));
        assertThat(tomorrow.status()).isEqualTo(200);
        assertThat(tomorrow.text()).isEqualTo("<p>page</p>\n");
        assertThat(request("HEAD", "If-Modified-Since: Fri, 31 Dec 9999 23:59:59 GMT").status()).isEqualTo(200);
        // The present is not the future: a date taken from our Date field a moment ago still gets its 304.
        assertNotModified(get("If-Modified-Since: " + HttpDate.format(Instant.now())));
    }

    @Test
    void theObsoleteDateFormsAreUnderstood() throws Exception {
        assertNotModified(get("If-Modified-Since: Tuesday, 05-Mar-24 06:07:08 GMT"));
        assertNotModified(get("If-Modified-Since: Tue Mar  5 06:07:08 2024"));
    }

    @Test
    void anRfc850TwoDigitYearIsReadAgainstTheServersClock() throws Exception {
        // RFC 9110 section 5.6.7: on a server whose clock says 2080, "75" is 2075 (at most 50 years ahead, so not a
        // century back): since then the file (2024) was not modified, 304. A fixed 1970-2069 window read 1975,
        // whose 1 January is no Tuesday: not a date, ignored, 200.
        try (TestServer dated = TestServer.start(root, Map.of(),
                Clock.fixed(Instant.parse("2080-01-01T00:00:00Z"), ZoneOffset.UTC))) {
            RawHttp.Reply reply = RawHttp.request(dated.port(), "GET", "/page.html",
                    "If-Modified-Since: Tuesday, 01-Jan-75 00:00:00 GMT");
            assertThat(reply.status()).isEqualTo(304);
            assertThat(reply.header("Date")).isEqualTo("Mon, 01 Jan 2080 00:00:00 GMT");
            // 1 January 2130 is exactly 50 years ahead: still the future, ignored as any later date is, 200.
            assertThat(RawHttp.request(dated.port(), "GET", "/page.html",
                    "If-Modified-Since: Sunday, 01-Jan-30 00:00:00 GMT").status()).isEqualTo(200);
        }
    }

    @Test
    void aDateThatDoesNotParseIsIgnored() throws Exception {
        assertThat(get("If-Modified-Since: yesterday").status()).isEqualTo(200);
        assertThat(get("If-Unmodified-Since: not a date").status()).isEqualTo(200);
    }

    @Test
    void ifNoneMatchTakesPrecedenceOverIfModifiedSince() throws Exception {
        // The tag differs, so the date (which would give 304) is not looked at.
        assertThat(get("If-None-Match: \"other\"", "If-Modified-Since: " + MODIFIED_TEXT).status())
                .isEqualTo(200);
    }

    @Test
    void ifMatchThatFailsIs412() throws Exception {
        assertThat(get("If-Match: \"other\"").status()).isEqualTo(412);
        // If-Match compares strongly: a weak tag never matches.
        assertThat(get("If-Match: W/" + etag).status()).isEqualTo(412);
        assertThat(get("If-Match: " + etag).status()).isEqualTo(200);
        assertThat(get("If-Match: *").status()).isEqualTo(200);
    }

    @Test
    void anIfMatchThatIsNeitherStarNorAListOfTagsFailsButAnUnparsableIfNoneMatchIsIgnored() throws Exception {
        // RFC 9110 section 13.1.1: If-Match is true for "*" or a listed tag that matches, "otherwise, the condition
        // is false"; section 13.1.2: If-None-Match is false for "*" or a match, "otherwise, the condition is true".
        assertThat(get("If-Match: garbage").status()).isEqualTo(412);
        assertThat(get("If-Match: \"").status()).isEqualTo(412);
        assertThat(get("If-Match: " + etag + " junk").status()).isEqualTo(412);
        assertThat(get("If-Match: " + etag, "If-Match: junk").status()).isEqualTo(412);
        // A garbage If-Match is not an absent one: the If-Unmodified-Since it overrides stays ignored.
        assertThat(get("If-Match: garbage", "If-Unmodified-Since: " + MODIFIED_TEXT).status()).isEqualTo(412);
        assertThat(get("If-None-Match: garbage").status()).isEqualTo(200);
        assertThat(get("If-None-Match: " + etag + " junk").status()).isEqualTo(200);
    }

    @Test
    void aGarbageIfNoneMatchStillSetsIfModifiedSinceAside() throws Exception {
        // RFC 9110 section 13.1.3: If-Modified-Since is ignored when the request contains If-None-Match, and a
        // garbage one is true (13.1.2), so 200; the date alone would give 304. Apache and nginx answer 200 too.
        assertThat(get("If-None-Match: garbage", "If-Modified-Since: " + MODIFIED_TEXT).status()).isEqualTo(200);
        assertThat(get("If-None-Match: \"other\"", "If-None-Match: *", "If-Modified-Since: " + MODIFIED_TEXT)
                .status()).isEqualTo(200);
        assertNotModified(get("If-Modified-Since: " + MODIFIED_TEXT));
    }

    @Test
    void aStarLineBesideATagLineIsNeitherStarNorAList() throws Exception {
        // Field lines combine into one value (RFC 9110 section 5.3): "other", * is malformed, so If-Match fails and
        // If-None-Match is ignored, instead of the star line deciding alone (200 and 304 before).
        assertThat(get("If-Match: \"other\"", "If-Match: *").status()).isEqualTo(412);
        assertThat(get("If-Match: *", "If-Match: \"other\"").status()).isEqualTo(412);
        assertThat(get("If-None-Match: \"other\"", "If-None-Match: *").status()).isEqualTo(200);
        assertThat(get("If-Match: *", "If-Match: *").status()).isEqualTo(200);
        assertNotModified(get("If-None-Match: *", "If-None-Match: *"));
    }

    @Test
    void ifUnmodifiedSinceThatFailsIs412() throws Exception {
        assertThat(get("If-Unmodified-Since: Tue, 05 Mar 2024 06:07:07 GMT").status()).isEqualTo(412);
        assertThat(get("If-Unmodified-Since: " + MODIFIED_TEXT).status()).isEqualTo(200);
    }

    @Test
    void ifMatchTakesPrecedenceOverIfUnmodifiedSinceAndComesBeforeIfNoneMatch() throws Exception {
        // A matching If-Match makes the failing If-Unmodified-Since irrelevant.
        assertThat(get("If-Match: " + etag, "If-Unmodified-Since: Tue, 05 Mar 2024 06:07:07 GMT").status())
                .isEqualTo(200);
        // A failing If-Match gives 412 even though If-None-Match would give 304.
        assertThat(get("If-Match: \"other\"", "If-None-Match: " + etag).status()).isEqualTo(412);
    }

    @Test
    void aDirectoryListingHasNoValidatorsSoOnlyStarMatchesAndDatesAreIgnored() throws Exception {
        Files.createDirectory(root.resolve("docs"));
        RawHttp.Reply plain = RawHttp.get(server.port(), "/docs/");
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("ETag")).isNull();
        assertThat(plain.header("Last-Modified")).isNull();
        // RFC 9110 section 13.1.2: "*" is false when there is a current representation; 304 for GET and HEAD.
        for (String method : List.of("GET", "HEAD")) {
            RawHttp.Reply star = RawHttp.request(server.port(), method, "/docs/", "If-None-Match: *");
            assertThat(star.status()).as(method).isEqualTo(304);
            assertThat(star.header("Content-Length")).as(method).isNull();
            assertThat(star.header("ETag")).as(method).isNull();
        }
        // Section 13.1.1: a listed tag that matches none (the listing has no tag) is false: 412, like a garbage one.
        assertThat(listing("If-Match: \"x\"").status()).isEqualTo(412);
        assertThat(listing("If-Match: W/\"x\", \"y\"").status()).isEqualTo(412);
        assertThat(listing("If-Match: garbage").status()).isEqualTo(412);
        assertThat(RawHttp.request(server.port(), "HEAD", "/docs/", "If-Match: \"x\"").status()).isEqualTo(412);
        // A failing If-Match comes before a matching If-None-Match.
        assertThat(listing("If-Match: \"x\"", "If-None-Match: *").status()).isEqualTo(412);
        assertThat(listing("If-Match: *").status()).isEqualTo(200);
        assertThat(listing("If-None-Match: \"x\"").status()).isEqualTo(200);
        // Sections 13.1.3 and 13.1.4: no modification date, so both dates are ignored whatever they say.
        assertThat(listing("If-Modified-Since: " + HttpDate.format(Instant.now())).status()).isEqualTo(200);
        assertThat(listing("If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT").status()).isEqualTo(200);
        // The listing of the root, reached as "/", is the same.
        assertThat(RawHttp.request(server.port(), "GET", "/", "If-Match: \"x\"").status()).isEqualTo(412);
    }

    private RawHttp.Reply listing(String... headers) throws IOException {
        RawHttp.Reply reply = RawHttp.request(server.port(), "GET", "/docs/", headers);
        if (reply.status() == 200) {
            assertThat(reply.text()).contains("Index of /docs/");
        }
        return reply;
    }

    @Test
    void ifUnmodifiedSinceFailsHeadAsItFailsGet() throws Exception {
        // RFC 9110 section 13.1.4 applies to every method; a HEAD's 412 is the GET's head.
        RawHttp.Reply head = request("HEAD", "If-Unmodified-Since: Tue, 05 Mar 2024 06:07:07 GMT");
        assertThat(head.status()).isEqualTo(412);
        assertThat(head.header("Content-Length"))
                .isEqualTo(get("If-Unmodified-Since: Tue, 05 Mar 2024 06:07:07 GMT").header("Content-Length"));
    }

    @Test
    void answersThatAreNot2xxIgnoreEveryPrecondition() throws Exception {
        // RFC 9110 section 13.2.1: preconditions are ignored when the answer without them is not 2xx or 412.
        Files.createDirectory(root.resolve("docs"));
        for (String condition : List.of("If-Match: *", "If-Match: \"x\"", "If-None-Match: *",
                "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT", "If-Modified-Since: " + MODIFIED_TEXT)) {
            assertThat(RawHttp.request(server.port(), "GET", "/missing.html", condition).status()).as(condition)
                    .isEqualTo(404);
            assertThat(RawHttp.request(server.port(), "GET", "/docs", condition).status()).as(condition)
                    .isEqualTo(301);
            assertThat(RawHttp.request(server.port(), "DELETE", "/page.html", condition).status()).as(condition)
                    .isEqualTo(405);
        }
    }

    @Test
    void aCachedSmallFileAnswers304WithoutOpeningTheFile() throws Exception {
        // Twice: the first read caches the settled file.
        assertThat(get().status()).isEqualTo(200);
        assertThat(get().status()).isEqualTo(200);
        // Unreadable now: a 200 would need to open it (and get 404 for an unreadable file, unless the cache holds
        // it); the 304 is decided from the stat alone. As root every file stays readable, so this proves less:
        // NotModifiedFromMemoryIT runs the jar as nobody, where it can fail.
        // The time first: the JDK opens the file to set it, which an ordinary user cannot once it is unreadable.
        Files.setLastModifiedTime(root.resolve("page.html"), FileTime.from(MODIFIED));
        Files.setPosixFilePermissions(root.resolve("page.html"), PosixFilePermissions.fromString("---------"));
        assertNotModified(get("If-None-Match: " + etag));
    }

    @Test
    void curlRevalidatesWithBothValidators() throws Exception {
        String url = "http://127.0.0.1:" + server.port() + "/page.html";
        assertThat(curl("-z", MODIFIED_TEXT, url)).startsWith("304 0");
        assertThat(curl("-H", "If-None-Match: " + etag, url)).startsWith("304 0");
        assertThat(curl("-z", "Tue, 05 Mar 2024 06:07:07 GMT", url)).startsWith("200 12");
    }

    /** curl's status and body size for a GET of {@code url} with {@code args}. */
    private static String curl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-s", "-o", "/dev/null",
                "-w", "%{http_code} %{size_download}", "--max-time", "5"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}

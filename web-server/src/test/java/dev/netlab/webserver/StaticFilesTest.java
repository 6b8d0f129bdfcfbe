package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GET and HEAD of files, directories and methods against the real server over loopback. */
class StaticFilesTest {

    @TempDir
    Path base;
    Path root;
    TestServer server;
    byte[] large;

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(base.resolve("www"));
        Files.writeString(root.resolve("HelloWorld.html"), "<p>Congratulations! The Web Server is working fine!</p>\n");
        Files.writeString(root.resolve("style.css"), "p {}\n");
        Files.createDirectories(root.resolve("docs/b-dir"));
        Files.writeString(root.resolve("docs/z.txt"), "zz");
        Files.writeString(root.resolve("docs/a <b>&.txt"), "x");
        Files.writeString(root.resolve("docs/.hidden"), "h");
        Files.createDirectories(root.resolve("site"));
        Files.writeString(root.resolve("site/index.html"), "index");
        large = new byte[300 * 1024];
        new Random(7).nextBytes(large);
        Files.write(root.resolve("large.bin"), large);
        server = TestServer.start(root, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void getServesTheFileWithItsRepresentationHeaders() throws Exception {
        Instant modified = Instant.parse("2024-03-05T06:07:08Z");
        Files.setLastModifiedTime(root.resolve("HelloWorld.html"), FileTime.from(modified));
        RawHttp.Reply reply = RawHttp.get(server.port(), "/HelloWorld.html");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).contains("Congratulations! The Web Server is working fine!");
        assertThat(reply.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(reply.header("Content-Length")).isEqualTo(Integer.toString(reply.body().length));
        assertThat(reply.header("Last-Modified")).isEqualTo("Tue, 05 Mar 2024 06:07:08 GMT");
        assertThat(reply.header("ETag")).matches("\"[0-9a-f]+-[0-9a-f]+\"");
        assertThat(reply.header("Server")).isEqualTo("netlab");
        assertThat(reply.header("Date")).endsWith(" GMT");
        assertThat(reply.header("Connection")).isEqualTo("close");
        assertThat(RawHttp.get(server.port(), "/style.css").header("Content-Type")).isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void headSendsTheSameHeadWithoutABody() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("HEAD /HelloWorld.html HTTP/1.1\r\nHost: t\r\n\r\nGET /style.css HTTP/1.1\r\nHost: t\r\n\r\n");
            RawHttp.Reply head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(
                    Long.toString(Files.size(root.resolve("HelloWorld.html"))));
            // The next reply starts right after the head: no body bytes slipped in.
            assertThat(client.read().text()).isEqualTo("p {}\n");
        }
    }

    @Test
    void aMissingFileIs404() throws Exception {
        assertThat(RawHttp.get(server.port(), "/nope.html").status()).isEqualTo(404);
        // A file is not a directory.
        assertThat(RawHttp.get(server.port(), "/HelloWorld.html/").status()).isEqualTo(404);
    }

    @Test
    void aLargeFileArrivesByteForByte() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/large.bin");
        assertThat(reply.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(reply.body()).isEqualTo(large);
    }

    @Test
    void aBigFileReachesASmallWindowedClientIntact() throws Exception {
        byte[] big = new byte[6 * 1024 * 1024 + 123];
        new Random(11).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        try (java.net.Socket socket = new java.net.Socket()) {
            // A small window makes the server's socket buffer fill again and again (sendfile and write alternate).
            socket.setReceiveBufferSize(8192);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] all = socket.getInputStream().readAllBytes();
            int bodyStart = new String(all, 0, 1024, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
            assertThat(java.util.Arrays.copyOfRange(all, bodyStart, all.length)).isEqualTo(big);
        }
    }

    @Test
    void aFileChangedOnDiskIsNeverServedStale() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n");
            RawHttp.Reply before = client.read();
            Files.writeString(root.resolve("style.css"), "p { color: red }\n");
            Files.setLastModifiedTime(root.resolve("style.css"), FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
            client.send("GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n");
            RawHttp.Reply after = client.read();
            assertThat(after.text()).isEqualTo("p { color: red }\n");
            assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
        }
    }

    @Test
    void aCachedFileChangedOnDiskIsServedFreshOnceTheDefaultCheckIntervalHasPassed() throws Exception {
        Path page = root.resolve("HelloWorld.html");
        // Settled, so the small-file cache holds it: the case where a reused stat answers from memory.
        Files.setLastModifiedTime(page, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        RawHttp.Reply before = RawHttp.get(server.port(), "/HelloWorld.html");
        RawHttp.get(server.port(), "/HelloWorld.html");
        Files.writeString(page, "<p>changed</p>\n");
        Files.setLastModifiedTime(page, FileTime.from(Instant.parse("2020-01-02T00:00:00Z")));
        Poll.until(Duration.ofSeconds(5), "the changed file served", () -> {
            try {
                RawHttp.Reply after = RawHttp.get(server.port(), "/HelloWorld.html");
                return after.text().equals("<p>changed</p>\n") && !after.header("ETag").equals(before.header("ETag"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void aDirectoryWithoutSlashIsRedirectedKeepingTheQuery() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/site?x=1&y=%20");
        assertThat(reply.status()).isEqualTo(301);
        assertThat(reply.header("Location")).isEqualTo("/site/?x=1&y=%20");
        // A protocol-relative spelling cannot turn the redirect into another host.
        assertThat(RawHttp.get(server.port(), "//site").header("Location")).isEqualTo("/site/");
    }

    @Test
    void aDirectoryServesItsIndex() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/site/");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("index");
    }

    @Test
    void aDirectoryWithoutIndexIsListedEscapedSortedDirectoriesFirst() throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), "/docs/");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        String page = reply.text();
        assertThat(page).contains("<a href=\"a%20%3Cb%3E%26.txt\">a &lt;b&gt;&amp;.txt</a>")
                .contains("<a href=\"b-dir/\">b-dir/</a>")
                .contains("<td>2</td>")
                .doesNotContain(".hidden")
                .doesNotContain("<b>");
        assertThat(page.indexOf("b-dir/")).isLessThan(page.indexOf("a%20")).isLessThan(page.indexOf("z.txt"));
    }

    @Test
    void listingCanBeTurnedOff() throws Exception {
        try (TestServer quiet = TestServer.start(root, Map.of("webserver.directory-listing", "false"))) {
            assertThat(RawHttp.get(quiet.port(), "/docs/").status()).isEqualTo(404);
            assertThat(RawHttp.get(quiet.port(), "/site/").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH"})
    void otherRfcMethodsAre405WithAllow(String method) throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            String target = method.equals("CONNECT") ? "/" : "/HelloWorld.html";
            client.send(method + " " + target + " HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
            RawHttp.Reply reply = client.read();
            assertThat(reply.status()).isEqualTo(405);
            assertThat(reply.header("Allow")).isEqualTo("GET, HEAD");
            // The body was read and dropped: the connection still serves.
            client.send("GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"BREW", "get", "PROPFIND"})
    void unknownMethodsAre501(String method) throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send(method + " / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(501);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /site/ HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /HelloWorld.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertThat(client.read().text()).isEqualTo("p {}\n");
            assertThat(client.read().status()).isEqualTo(404);
            assertThat(client.read().text()).isEqualTo("index");
            RawHttp.Reply last = client.read();
            assertThat(last.text()).contains("Congratulations");
            assertThat(last.header("Connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void http11KeepsTheConnectionUnlessToldToClose() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            for (int i = 0; i < 3; i++) {
                client.send("GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n");
                RawHttp.Reply reply = client.read();
                assertThat(reply.status()).isEqualTo(200);
                assertThat(reply.header("Connection")).isNull();
            }
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /style.css HTTP/1.0\r\n\r\n");
            RawHttp.Reply reply = client.read();
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("Connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(client.read().header("Connection")).isEqualTo("keep-alive");
            client.send("GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
        }
    }

    @Test
    void aBodyOnGetIsDiscardedAndTheConnectionGoesOn() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /style.css HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /style.css HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /site/ HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().text()).isEqualTo("index");
        }
    }

    @Test
    void absoluteFormTargetsServeThePath() throws Exception {
        assertThat(RawHttp.get(server.port(), "http://elsewhere.example/style.css").text()).isEqualTo("p {}\n");
    }
}

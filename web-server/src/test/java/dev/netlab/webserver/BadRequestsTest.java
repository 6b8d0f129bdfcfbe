package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile targets, broken heads and limits, over loopback: each gets its one status and Connection: close. */
class BadRequestsTest {

    private static final String SECRET = "outside-the-root-secret";

    @TempDir
    Path base;
    Path root;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(base.resolve("www"));
        Files.writeString(base.resolve("secret.txt"), SECRET);
        Files.writeString(root.resolve("page.html"), "page");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve(".env"), SECRET);
        Files.createSymbolicLink(root.resolve("escape"), base.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("escape-dir"), base);
        server = TestServer.start(root, Map.of(
                "webserver.limits.request-line", "256",
                "webserver.limits.header-section", "512",
                "webserver.limits.header-fields", "8",
                "webserver.limits.request-body", "64",
                "webserver.timeouts.linger", "2s"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt", "/sub%2f..%2f..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt",
        "/sub\\..\\..\\secret.txt", "/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt",
        "/%c0%ae%c0%ae/secret.txt", "/%c0%af..%c0%afsecret.txt", "/%e0%80%ae%e0%80%ae/secret.txt",
        "/secret.txt%00.html", "/..%00/secret.txt", "/page.html%00", "/%0a../secret.txt",
        "http://localhost/../secret.txt", "http://localhost/%2e%2e/secret.txt", "localhost:80", "*",
        "//../secret.txt", "/escape", "/escape-dir/secret.txt", "/.env", "/%2eenv",
        "/../../../../../../../../../../../../etc/passwd", "/sub/../../../../../../etc/passwd",
    })
    void traversalInEverySpellingNeverLeavesTheRoot(String target) throws Exception {
        RawHttp.Reply reply = RawHttp.get(server.port(), target);
        assertThat(reply.status()).isIn(400, 404);
        assertThat(reply.text()).doesNotContain(SECRET).doesNotContain("root:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/page.html%00", "/secret.txt%00.html", "/a%01b", "/a%1b", "/a%7f", "/a%0d%0aX: y"})
    void aDecodedControlByteIs400NeverATruncatedName(String target) throws Exception {
        assertThat(RawHttp.get(server.port(), target.replace(" ", "%20")).status()).isEqualTo(400);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET /LONG HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|414",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\nX: BIG\\r\\n\\r\\n|431",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\nA: 1\\r\\nB: 1\\r\\nC: 1\\r\\nD: 1\\r\\nE: 1\\r\\nF: 1\\r\\nG: 1\\r\\nH: 1\\r\\n\\r\\n|431",
        "GET / HTTP/1.1\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\n folded\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost : t\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\nHost: t\\n\\n|400",
        "GET / HTTP/1.1\\r\\nHost: t\\u0001\\r\\n\\r\\n|400",
        "G@T / HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: abc\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 65\\r\\n\\r\\n|413",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n41\\r\\n|413",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0x3\\r\\nabc\\r\\n0\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\nNoColon\\r\\n\\r\\n|400",
        "GET / HTTP/2.0\\r\\nHost: t\\r\\n\\r\\n|505",
        "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n|505",
    })
    void eachViolationHasItsStatusAndClosesTheConnection(String request, int status) throws Exception {
        String text = request.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001")
                .replace("LONG", "a".repeat(300)).replace("BIG", "b".repeat(600));
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send(text);
            RawHttp.Reply reply = client.read();
            assertThat(reply.status()).isEqualTo(status);
            assertThat(reply.header("Connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(RawHttp.get(server.port(), "/page.html").text()).isEqualTo("page");
    }

    @Test
    void aClientStillSendingAfterAnErrorReadsTheAnswerNotAReset() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET / HTTP/1.1\r\nHost: t\r\nX: " + "b".repeat(600) + "\r\n");
            // The 431 is in the client's receive buffer, unread, while the client sends more of its request: had
            // the server closed at once, those bytes would draw a reset that discards the unread answer.
            InputStream in = client.socket().getInputStream();
            Poll.until(Duration.ofSeconds(5), "the answer arrives", () -> available(in) > 0);
            for (int i = 0; i < 8; i++) {
                client.send("X-More-" + i + ": " + "m".repeat(8000) + "\r\n");
            }
            RawHttp.Reply reply = client.read();
            assertThat(reply.status()).isEqualTo(431);
            assertThat(reply.header("Connection")).isEqualTo("close");
        }
    }

    private static int available(InputStream in) {
        try {
            return in.available();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void theLingeringCloseEndsWhenTheClientCloses() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET / HTTP/2.0\r\nHost: t\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(505);
            client.socket().shutdownOutput();
            InputStream in = client.socket().getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
        Poll.until(Duration.ofSeconds(5), "connection closed",
                () -> server.metric("webserver_connections_active") == 0);
    }

    @Test
    void anErrorAnsweringHeadHasNoBody() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("HEAD /page.html HTTP/1.1\r\n\r\n");
            RawHttp.Reply reply = client.readHead();
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.header("Content-Length")).isNotEqualTo("0");
            // Nothing follows the head: the next thing is the end of the stream.
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aTruncatedHeadFollowedByEndOfStreamIs400() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /page.html HTTP/1.1\r\nHo");
            client.socket().shutdownOutput();
            assertThat(client.read().status()).isEqualTo(400);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void theServerSurvivesAbortedConnections() throws Exception {
        for (int i = 0; i < 20; i++) {
            RawHttp client = RawHttp.connect(server.port());
            client.send("GET /page.html HTTP/1.1\r\nHost: t\r\n\r\n");
            client.socket().setSoLinger(true, 0);
            client.close();
        }
        assertThat(RawHttp.get(server.port(), "/page.html").text()).isEqualTo("page");
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a connection ends after an answer that says {@code Connection: close}: at once when the client has sent
 * nothing more (as nginx's lingering_close does), lingering while what it sent is drained (so no reset destroys
 * the answer in the client's buffer).
 */
class ClosingAnswerTest {

    @TempDir
    Path root;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(root.resolve("page.html"), "page");
        // A linger far longer than the polls below: a connection that lingers is still open when they give up.
        server = TestServer.start(root, Map.of("webserver.timeouts.linger", "60s"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aCloseAnswerWithNothingMoreFromTheClientEndsTheConnectionAtOnce() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /page.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertThat(client.read().text()).isEqualTo("page");
            assertThat(client.closedByServer()).isTrue();
            // The client keeps its side open: only the server's close ends the connection.
            Poll.until(Duration.ofSeconds(5), "connection closed",
                    () -> server.metric("webserver_connections_active") == 0);
        }
    }

    @Test
    void whatTheClientSentBehindACloseRequestIsDrainedUntilItCloses() throws Exception {
        try (RawHttp client = RawHttp.connect(server.port())) {
            client.send("GET /page.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    + "GET /page.html HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().text()).isEqualTo("page");
            assertThat(client.closedByServer()).isTrue();
            assertThat(server.metric("webserver_connections_active")).isEqualTo(1);
            client.socket().shutdownOutput();
            Poll.until(Duration.ofSeconds(5), "connection closed",
                    () -> server.metric("webserver_connections_active") == 0);
        }
    }
}

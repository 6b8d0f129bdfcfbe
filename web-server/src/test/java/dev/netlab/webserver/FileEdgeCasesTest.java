package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where the server must agree with itself: dot segments after a file, what a listing links, dates in the future. */
class FileEdgeCasesTest {

    private static final Pattern HREF = Pattern.compile("href=\"([^\"]*)\"");

    @TempDir
    Path base;
    Path root;
    TestServer server;
    ServerSocketChannel unixSocket;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(base.resolve("www"));
        Files.writeString(root.resolve("a.txt"), "a");
        Path listed = Files.createDirectories(root.resolve("listed"));
        Files.writeString(listed.resolve("plain.txt"), "p");
        Files.createDirectories(listed.resolve("sub"));
        Files.writeString(listed.resolve(".hidden"), "h");
        Files.writeString(listed.resolve("bell\u0007name.txt"), "c");
        Files.writeString(listed.resolve("line\nbreak.txt"), "c");
        Files.writeString(base.resolve("outside.txt"), "o");
        Files.createSymbolicLink(listed.resolve("out-link"), base.resolve("outside.txt"));
        Files.createSymbolicLink(listed.resolve("in-link"), listed.resolve("plain.txt"));
        Process mkfifo = new ProcessBuilder("mkfifo", listed.resolve("fifo").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        unixSocket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unixSocket.bind(UnixDomainSocketAddress.of(listed.resolve("socket")));
        server = TestServer.start(root, Map.of());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        unixSocket.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a.txt/", "/a.txt/.", "/a.txt/%2e", "/a.txt/./", "/a.txt/x/..", "/a.txt/x/%2e%2e"})
    void dotSegmentsAfterAFileAre404LikeATrailingSlash(String target) throws Exception {
        assertThat(RawHttp.get(server.port(), target).status()).isEqualTo(404);
    }

    @Test
    void dotSegmentsAfterADirectoryServeIt() throws Exception {
        assertThat(RawHttp.get(server.port(), "/listed/.").status()).isEqualTo(200);
        assertThat(RawHttp.get(server.port(), "/listed/sub/..").text()).contains("plain.txt");
        assertThat(RawHttp.get(server.port(), "/a.txt").text()).isEqualTo("a");
    }

    @Test
    void theListingLinksExactlyTheEntriesItServes() throws Exception {
        RawHttp.Reply listing = RawHttp.get(server.port(), "/listed/");
        assertThat(listing.status()).isEqualTo(200);
        List<String> links = new ArrayList<>();
        Matcher m = HREF.matcher(listing.text());
        while (m.find()) {
            links.add(m.group(1));
        }
        // Refused entries (FIFO, socket, control characters, dotfile, link out of the root) are not linked.
        assertThat(links).containsExactlyInAnyOrder("../", "sub/", "in-link", "plain.txt");
        for (String link : links) {
            assertThat(RawHttp.get(server.port(), "/listed/" + link).status()).as(link).isEqualTo(200);
        }
        assertThat(listing.text()).doesNotContain("fifo", "socket", "bell", "break", "hidden", "out-link");
    }

    @Test
    void aModificationTimeInTheFutureIsSentAsTheDate() throws Exception {
        Files.writeString(root.resolve("future.txt"), "f");
        Files.setLastModifiedTime(root.resolve("future.txt"), FileTime.from(Instant.parse("2100-01-01T00:00:00Z")));
        RawHttp.Reply reply = RawHttp.get(server.port(), "/future.txt");
        assertThat(reply.status()).isEqualTo(200);
        Instant lastModified = httpDate(reply.header("Last-Modified"));
        Instant date = httpDate(reply.header("Date"));
        // RFC 9110 section 8.8.2.1: never later than Date; the handler's second may precede the writer's by one.
        assertThat(lastModified).isBeforeOrEqualTo(date).isAfterOrEqualTo(date.minus(Duration.ofSeconds(1)));
    }

    private static Instant httpDate(String text) {
        return ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cached small file answers 304 (and 200) from memory, without opening the file: proved with a file the server
 * cannot open. The tests run as root, whom no permission stops, so the jar runs as {@code nobody} ({@code setpriv}).
 */
class NotModifiedFromMemoryIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Instant MODIFIED = Instant.parse("2024-03-05T06:07:08Z");

    @TempDir
    Path root;
    ServiceProcess process;
    int port;

    @BeforeEach
    void start() throws Exception {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String name : List.of("cached.html", "never-read.html")) {
            Files.writeString(root.resolve(name), "<p>" + name + "</p>\n");
            // Settled (a second old and more): the first read caches it.
            Files.setLastModifiedTime(root.resolve(name), FileTime.from(MODIFIED));
        }
        process = UnprivilegedServer.start(root);
        port = process.ports(START).get("web");
    }

    @AfterEach
    void stop() throws Exception {
        assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
        process.close();
    }

    @Test
    void aCachedFileIsRevalidatedAndServedAfterItCannotBeOpenedAnyMore() throws Exception {
        RawHttp.Reply first = RawHttp.get(port, "/cached.html");
        assertThat(first.status()).isEqualTo(200);
        String etag = first.header("ETag");
        lockOut("cached.html");
        lockOut("never-read.html");
        // The control: the server really cannot open a file of mode 000 (an open would make the answer a 404).
        assertThat(RawHttp.get(port, "/never-read.html").status()).isEqualTo(404);

        RawHttp.Reply notModified = RawHttp.request(port, "GET", "/cached.html", "If-None-Match: " + etag);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("ETag")).isEqualTo(etag);
        assertThat(RawHttp.request(port, "HEAD", "/cached.html", "If-Modified-Since: Tue, 05 Mar 2024 06:07:08 GMT")
                .status()).isEqualTo(304);
        RawHttp.Reply again = RawHttp.get(port, "/cached.html");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text()).isEqualTo("<p>cached.html</p>\n");
    }

    /** Mode 000, the modification time kept (chmod changes only the ctime, which the cache does not compare). */
    private void lockOut(String name) throws Exception {
        Files.setPosixFilePermissions(root.resolve(name), PosixFilePermissions.fromString("---------"));
        assertThat(Files.getLastModifiedTime(root.resolve(name)).toInstant()).isEqualTo(MODIFIED);
    }
}

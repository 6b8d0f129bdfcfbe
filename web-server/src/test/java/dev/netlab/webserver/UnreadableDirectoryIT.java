package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory the server cannot read is 404 whatever the request's preconditions: no 304 or 412 about something the
 * server would not serve (RFC 9110 section 13.2.1). The tests run as root, whom no permission stops, so the jar runs
 * as {@code nobody} ({@code setpriv}), as in {@link NotModifiedFromMemoryIT}; listing is on (the default).
 */
class UnreadableDirectoryIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final List<String> CONDITIONS = List.of("If-None-Match: *", "If-Match: \"x\"", "If-Match: *",
            "If-Modified-Since: Tue, 05 Mar 2024 06:07:08 GMT", "If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT");

    @TempDir
    Path root;
    ServiceProcess process;
    int port;

    @BeforeEach
    void start() throws Exception {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectory(root.resolve("open"));
        Files.writeString(Files.createDirectory(root.resolve("locked")).resolve("secret.txt"), "secret\n");
        Files.setPosixFilePermissions(root.resolve("locked"), PosixFilePermissions.fromString("---------"));
        process = UnprivilegedServer.start(root);
        port = process.ports(START).get("web");
    }

    @AfterEach
    void stop() throws Exception {
        assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
        process.close();
    }

    @Test
    void everyPreconditionOnAnUnreadableDirectoryGetsThe404OfTheUnconditionalRequest() throws Exception {
        // The control: the server really cannot read it, and a readable directory still gets its 304 and 412.
        assertThat(RawHttp.get(port, "/locked/").status()).isEqualTo(404);
        assertThat(RawHttp.request(port, "GET", "/open/", "If-None-Match: *").status()).isEqualTo(304);
        assertThat(RawHttp.request(port, "GET", "/open/", "If-Match: \"x\"").status()).isEqualTo(412);
        for (String method : List.of("GET", "HEAD")) {
            for (String condition : CONDITIONS) {
                assertThat(RawHttp.request(port, method, "/locked/", condition).status())
                        .as(method + " with " + condition).isEqualTo(404);
            }
        }
    }
}

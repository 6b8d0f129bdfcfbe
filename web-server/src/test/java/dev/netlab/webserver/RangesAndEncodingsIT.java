package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What curl sees from the built jar: ranges (curl -r), a resumed download (curl -C -), precompressed gzip (curl
 * --compressed), Cache-Control from a --config file; and a bad rule stopping the start with exit code 2.
 */
class RangesAndEncodingsIT {

    private static final Path JAR = Path.of("target/web-server.jar");
    private static final Duration START = Duration.ofSeconds(60);
    private static final Map<String, String> ADMIN_ANY_PORT = Map.of("ADMIN_PORT", "0");
    private static final Instant MODIFIED = Instant.parse("2024-03-05T06:07:08Z");

    @TempDir
    Path root;
    @TempDir
    Path work;
    ServiceProcess process;
    String base;
    byte[] large;
    String css;

    @BeforeEach
    void start() throws Exception {
        large = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(large);
        Files.write(root.resolve("large.bin"), large);
        css = "p { margin: 0; }\n".repeat(500);
        Files.writeString(root.resolve("site.css"), css);
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(css.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(root.resolve("site.css.gz"), gzip.toByteArray());
        for (String name : List.of("large.bin", "site.css", "site.css.gz")) {
            Files.setLastModifiedTime(root.resolve(name), FileTime.from(MODIFIED));
        }
        Path config = work.resolve("config.yaml");
        Files.writeString(config, """
                webserver:
                  cache-control:
                    rules:
                      - pattern: /**.css
                        value: max-age=31536000, immutable
                """);
        process = ServiceProcess.startJar(JAR, List.of("--root", root.toString(), "--port", "0", "--config",
                config.toString()), ADMIN_ANY_PORT);
        process.awaitStartLine(START);
        base = "http://127.0.0.1:" + process.ports(START).get("web");
    }

    @AfterEach
    void stop() throws Exception {
        assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
        process.close();
    }

    @Test
    void curlGetsOneRange() throws Exception {
        Path out = work.resolve("part");
        String head = curl("-D", "-", "-o", out.toString(), "-r", "1000-1999999", base + "/large.bin");
        assertThat(head).startsWith("HTTP/1.1 206 Partial Content")
                .contains("Content-Range: bytes 1000-1999999/" + large.length)
                .contains("Content-Length: 1999000").contains("Accept-Ranges: bytes");
        assertThat(Files.readAllBytes(out)).isEqualTo(Arrays.copyOfRange(large, 1000, 2_000_000));
    }

    @Test
    void curlResumesADownloadItWasCutOffFrom() throws Exception {
        Path out = work.resolve("resumed.bin");
        Files.write(out, Arrays.copyOf(large, 123_457));
        curl("-C", "-", "-o", out.toString(), base + "/large.bin");
        assertThat(Files.readAllBytes(out)).isEqualTo(large);
    }

    @Test
    void curlGetsSeveralRangesAsMultipart() throws Exception {
        String head = curl("-D", "-", "-o", work.resolve("multi").toString(), "-r", "0-9,100-109",
                base + "/large.bin");
        assertThat(head).startsWith("HTTP/1.1 206").contains("Content-Type: multipart/byteranges; boundary=");
        String body = Files.readString(work.resolve("multi"), StandardCharsets.ISO_8859_1);
        assertThat(body).contains("Content-Range: bytes 0-9/" + large.length)
                .contains("Content-Range: bytes 100-109/" + large.length);
    }

    @Test
    void curlSeesAbsurdRangesRefusedOrIgnored() throws Exception {
        assertThat(status("-r", "99999999999999999999-", base + "/large.bin")).isEqualTo("416");
        assertThat(curl("-D", "-", "-o", "/dev/null", "-r", "99999999999999999999-", base + "/large.bin"))
                .contains("Content-Range: bytes */" + large.length);
        assertThat(status("-H", "Range: bytes=-0", base + "/large.bin")).isEqualTo("416");
        assertThat(status("-H", "Range: bytes=5-2", base + "/large.bin")).isEqualTo("200");
        assertThat(status("-H", "Range: bytes=0-9", "-H", "If-Range: \"stale\"", base + "/large.bin"))
                .isEqualTo("200");
    }

    @Test
    void curlCompressedGetsTheGzipSiblingAndDecodesIt() throws Exception {
        Path out = work.resolve("site.css");
        String head = curl("--compressed", "-D", "-", "-o", out.toString(), base + "/site.css");
        assertThat(head).contains("Content-Encoding: gzip").contains("Vary: Accept-Encoding")
                .contains("Content-Type: text/css; charset=utf-8")
                .contains("Cache-Control: max-age=31536000, immutable")
                .contains("Content-Length: " + Files.size(root.resolve("site.css.gz")));
        assertThat(Files.readString(out)).isEqualTo(css);
        // Without --compressed: the identity form, still with Vary.
        assertThat(curl("-D", "-", "-o", "/dev/null", base + "/site.css")).doesNotContain("Content-Encoding")
                .contains("Vary: Accept-Encoding").contains("Content-Length: " + css.length());
    }

    @Test
    void aBadCacheControlRuleStopsTheStartNamingItsKey() throws Exception {
        Path config = work.resolve("bad.yaml");
        Files.writeString(config, """
                webserver:
                  cache-control:
                    rules:
                      - pattern: /ok/**
                        value: max-age=60
                      - pattern: no-leading-slash
                        value: max-age=60
                """);
        try (ServiceProcess bad = ServiceProcess.startJar(JAR, List.of("--root", root.toString(), "--port", "0",
                "--config", config.toString()), ADMIN_ANY_PORT)) {
            assertThat(bad.awaitExit(START)).isEqualTo(2);
            assertThat(bad.stderr()).contains("webserver.cache-control.rules.1.pattern");
        }
        Files.writeString(config, "webserver:\n  cache-control:\n    rules:\n      - pattern: /a\n        colour: x\n");
        try (ServiceProcess bad = ServiceProcess.startJar(JAR, List.of("--root", root.toString(), "--port", "0",
                "--config", config.toString()), ADMIN_ANY_PORT)) {
            assertThat(bad.awaitExit(START)).isEqualTo(2);
            assertThat(bad.stderr()).contains("webserver.cache-control.rules.0.colour");
        }
    }

    private static String status(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-o", "/dev/null", "-w", "%{http_code}"));
        all.addAll(List.of(args));
        return curl(all.toArray(String[]::new));
    }

    /** curl's standard output for {@code args}; it must exit 0. */
    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "20"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(curl.exitValue()).as(out).isZero();
            return out;
        } finally {
            curl.destroyForcibly();
        }
    }
}

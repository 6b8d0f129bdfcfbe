package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar's access log in its default place and format, standard output in combined: curl's requests, one of
 * them with raw bytes above ASCII in its User-Agent and quotes in its Referer, come out as one printable line each.
 */
class AccessLogIT {

    private static final Path JAR = Path.of("target/web-server.jar");
    private static final Path SITE = Path.of("www");
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void combinedLinesGoToStandardOutputWithTheClientsBytesEscaped() throws Exception {
        // curl -H @file sends the header lines as the file holds them: bytes a command-line argument cannot carry.
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        headers.writeBytes("User-Agent: evil ".getBytes(StandardCharsets.US_ASCII));
        headers.writeBytes(new byte[] {(byte) 0xff, (byte) 0xe2, (byte) 0x80, (byte) 0xae, '"', '\\'});
        headers.writeBytes("\nReferer: http://r/\"q\"\n".getBytes(StandardCharsets.US_ASCII));
        Path headerFile = Files.write(work.resolve("headers"), headers.toByteArray());
        try (ServiceProcess process = ServiceProcess.startJar(JAR, List.of("--root", SITE.toString(), "--port", "0"),
                Map.of("ADMIN_PORT", "0", "WEBSERVER_ACCESS_dash_LOG_ENABLED", "true"))) {
            String base = "http://127.0.0.1:" + process.ports(START).get("web");
            assertThat(curl("-H", "@" + headerFile, base + "/HelloWorld.html?a=1")).isEqualTo("200");
            assertThat(curl("-A", "", base + "/missing")).isEqualTo("404");
            assertThat(process.terminate(Duration.ofSeconds(30))).isZero();
            List<String> lines = process.stdout().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("web-server started in ");
            assertThat(lines.get(1)).matches("127\\.0\\.0\\.1 - - \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d "
                    + "\\+0000] \"GET /HelloWorld\\.html\\?a=1 HTTP/1\\.1\" 200 \\d+ "
                    + "\"http://r/\\\\\"q\\\\\"\" \"evil \\\\xff\\\\xe2\\\\x80\\\\xae\\\\\"\\\\\\\\\" \\d+\\.\\d{3}");
            assertThat(lines.get(2)).contains("\"GET /missing HTTP/1.1\" 404 ").contains(" \"-\" \"-\" ");
        }
    }

    /** curl's status code for {@code args}. */
    private static String curl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w",
                "%{http_code}", "--max-time", "10"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            curl.destroyForcibly();
        }
    }
}

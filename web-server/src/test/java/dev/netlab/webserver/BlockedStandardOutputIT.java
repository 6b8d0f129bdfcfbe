package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar with its access log on a standard output that nobody reads (a stalled pipe): answers go on, SIGTERM ends
 * the process after the access log's 5 s bound instead of hanging, and a reader that comes back within the bound
 * gets every line.
 */
class BlockedStandardOutputIT {

    private static final Path JAR = Path.of("target/web-server.jar");
    private static final Pattern WEB_PORT = Pattern.compile("web=tcp/[^:]+:(\\d+)");
    /** About 330 bytes a line: far more than a pipe holds (64 KiB), far less than the queue (8192 lines). */
    private static final int REQUESTS = 1500;
    private static final String USER_AGENT = "x".repeat(200);

    @TempDir
    Path work;

    @Test
    void aPipeNobodyReadsHoldsTheExitForTheBoundOnlyAndTheLinesLostAreCounted() throws Exception {
        Process process = start();
        try {
            answerAll(port(process));
            long stop = System.nanoTime();
            process.toHandle().destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exit after SIGTERM").isTrue();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stop);
            assertThat(process.exitValue()).isZero();
            // The drain has nothing in flight; the wait is the access log's (a frozen machine can only add to it).
            assertThat(seconds).isGreaterThanOrEqualTo(4);
            assertThat(Files.readString(work.resolve("stderr"))).containsPattern("access log: \\d+ lines not written");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aReaderBackWithinTheBoundGetsEveryLine() throws Exception {
        Process process = start();
        try {
            InputStream stdout = process.getInputStream();
            answerAll(port(process));
            process.toHandle().destroy();
            // Read again only now: the writer was blocked with most lines queued behind it.
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> readAll(stdout));
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exit after SIGTERM").isTrue();
            assertThat(process.exitValue()).isZero();
            long lines = rest.get(30, TimeUnit.SECONDS).lines()
                    .filter(line -> line.contains("\"GET /page.html HTTP/1.1\" 200 ")).count();
            assertThat(lines).isEqualTo(REQUESTS);
            assertThat(Files.readString(work.resolve("stderr"))).doesNotContain("lines not written");
        } finally {
            process.destroyForcibly();
        }
    }

    /** The jar serving one page, its access log on the standard output this test does not read. */
    private Process start() throws IOException {
        Path site = Files.createDirectories(work.resolve("site"));
        Files.writeString(site.resolve("page.html"), "<p>page</p>\n");
        ProcessBuilder builder = new ProcessBuilder(ServiceProcess.javaBinary(), "-jar", JAR.toString(),
                "--root", site.toString(), "--port", "0")
                .redirectError(work.resolve("stderr").toFile());
        builder.environment().put("ADMIN_PORT", "0");
        builder.environment().put("WEBSERVER_ACCESS_dash_LOG_ENABLED", "true");
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** The web port from the start line; standard output is read no further (byte by byte: nothing beyond it). */
    private static int port(Process process) throws IOException {
        InputStream stdout = process.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = stdout.read(); b != '\n'; b = stdout.read()) {
            if (b < 0) {
                throw new AssertionError("no start line");
            }
            line.write(b);
        }
        Matcher m = WEB_PORT.matcher(line.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).as(line.toString(StandardCharsets.UTF_8)).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** {@link #REQUESTS} answered GETs, 500 per kept-alive connection (below the server's cap of 1000). */
    private static void answerAll(int port) throws IOException {
        String request = "GET /page.html HTTP/1.1\r\nHost: t\r\nUser-Agent: " + USER_AGENT + "\r\n\r\n";
        for (int done = 0; done < REQUESTS; ) {
            try (RawHttp client = RawHttp.connect(port)) {
                for (int i = 0; i < 500 && done < REQUESTS; i++, done++) {
                    assertThat(client.send(request).read().status()).isEqualTo(200);
                }
            }
        }
    }

    private static String readAll(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder text = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                text.append(line).append('\n');
            }
            return text.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping: the listener closes at once, an answer in flight is finished, then the connection closes. */
class DrainTest {

    @TempDir
    Path root;

    @Test
    void aStopLetsTheAnswerInFlightFinishAndRefusesNewConnections() throws Exception {
        byte[] big = new byte[8 * 1024 * 1024];
        new Random(3).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        TestServer server = TestServer.start(root, Map.of("lifecycle.drain-timeout", "20s"));
        int port = server.port();
        try (Socket client = new Socket()) {
            // A small window keeps the answer in flight until the client reads it.
            client.setReceiveBufferSize(8192);
            client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            String head = head(in);
            assertThat(head).startsWith("HTTP/1.1 200 ").contains("Content-Length: " + big.length);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);
            Poll.until(Duration.ofSeconds(10), "the listener closed", () -> refused(port));
            assertThat(stopped).isNotDone();

            byte[] body = in.readNBytes(big.length);
            assertThat(body).isEqualTo(big);
            // The answer done, the draining server closes the connection and the stop completes.
            assertThat(in.read()).isEqualTo(-1);
            stopped.get(10, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
        assertThatThrownBy(() -> RawHttp.get(port, "/big.bin")).isInstanceOf(IOException.class);
    }

    private static boolean refused(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in the head");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}

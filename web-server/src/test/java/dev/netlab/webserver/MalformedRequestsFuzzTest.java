package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of malformed, truncated and oversized requests from a seeded generator: the server answers or closes
 * each, keeps serving, and ends with as many open descriptors as it started with.
 */
class MalformedRequestsFuzzTest {

    private static final long SEED = 20_261_124L;
    private static final int REQUESTS = 3000;
    private static final List<String> TEMPLATES = List.of(
            "GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n",
            "HEAD /dir/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            "GET /dir HTTP/1.0\r\n\r\n",
            "GET /index.html HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
            "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc",
            "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
            "GET /index.html HTTP/1.1\r\nHost: t\r\n\r\nGET /dir/ HTTP/1.1\r\nHost: t\r\n\r\n");

    @TempDir
    Path root;

    @Test
    void nothingASeededStreamOfBadRequestsSendsCrashesTheServerOrLeaksADescriptor() throws Exception {
        Files.writeString(root.resolve("index.html"), "index");
        Files.createDirectories(root.resolve("dir"));
        Files.writeString(root.resolve("dir/a.txt"), "a");
        try (TestServer server = TestServer.start(root, Map.of(
                "webserver.timeouts.head", "300ms",
                "webserver.timeouts.idle", "300ms",
                "webserver.timeouts.linger", "50ms",
                "webserver.limits.request-line", "512",
                "webserver.limits.header-section", "1KiB",
                "webserver.limits.header-fields", "10",
                "webserver.limits.request-body", "256"))) {
            assertThat(RawHttp.get(server.port(), "/index.html").text()).isEqualTo("index");
            Poll.until(Duration.ofSeconds(5), "warm-up connection closed",
                    () -> server.metric("webserver_connections_active") == 0);
            long baseline = openDescriptors();

            // The cases come from the seed in order; 16 clients send them side by side.
            Random random = new Random(SEED);
            List<Callable<Boolean>> cases = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                byte[] request = mutate(random);
                int style = random.nextInt(10);
                cases.add(() -> exchange(server.port(), request, style));
            }
            int answered = 0;
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                for (Future<Boolean> result : clients.invokeAll(cases)) {
                    answered += result.get() ? 1 : 0;
                }
            } finally {
                clients.shutdownNow();
            }

            assertThat(answered).isGreaterThan(REQUESTS / 2);
            assertThat(RawHttp.get(server.port(), "/dir/a.txt").text()).isEqualTo("a");
            Poll.until(Duration.ofSeconds(10), "connections closed",
                    () -> server.metric("webserver_connections_active") == 0);
            Poll.until(Duration.ofSeconds(10), "descriptors back to the baseline of " + baseline,
                    () -> openDescriptors() <= baseline);
        }
    }

    /** Sends {@code request}; ends politely (half-close, read all) or abruptly. Whether an answer came back. */
    private static boolean exchange(int port, byte[] request, int style) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            try {
                socket.getOutputStream().write(request);
                if (style == 0) {
                    // Abort with a reset, answer unread.
                    socket.setSoLinger(true, 0);
                    return false;
                }
                if (style < 8) {
                    socket.shutdownOutput();
                }
                // Style 8 and 9 leave the output open: the server's own timeouts end the exchange.
                return readAll(socket.getInputStream()).startsWith("HTTP/1.1 ");
            } catch (SocketException | SocketTimeoutException e) {
                // A reset from the server is allowed for garbage; a hang is not (the read timeout fails the run).
                if (e instanceof SocketTimeoutException) {
                    throw e;
                }
                return false;
            }
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] mutate(Random random) {
        byte[] bytes = TEMPLATES.get(random.nextInt(TEMPLATES.size())).getBytes(StandardCharsets.ISO_8859_1);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            bytes = switch (random.nextInt(7)) {
                case 0 -> truncate(bytes, random);
                case 1 -> flip(bytes, random);
                case 2 -> insert(bytes, random, randomBytes(random, 1 + random.nextInt(8)));
                case 3 -> insert(bytes, random, repeat("A", 200 + random.nextInt(2000)));
                case 4 -> insert(bytes, random, repeat("X-H: v\r\n", 1 + random.nextInt(40)));
                case 5 -> insert(bytes, random, special(random));
                default -> randomBytes(random, 1 + random.nextInt(600));
            };
        }
        return bytes;
    }

    private static byte[] special(Random random) {
        String[] pieces = {"\r\n", "\n", "\r", " ", "\t", ":", "\u0000", "%00", "%2e%2e/", "..\\", "\r\n ",
            "Content-Length: 99999999\r\n", "Transfer-Encoding: chunked\r\n", "Host: a\r\n", "HTTP/2.0",
            "Content-Length: 1\r\nContent-Length: 2\r\n", "\u00ff\u00fe", "%c0%ae"};
        return pieces[random.nextInt(pieces.length)].getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] truncate(byte[] bytes, Random random) {
        return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
    }

    private static byte[] flip(byte[] bytes, Random random) {
        byte[] copy = bytes.clone();
        if (copy.length > 0) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static byte[] insert(byte[] bytes, Random random, byte[] piece) {
        int at = random.nextInt(bytes.length + 1);
        byte[] out = new byte[bytes.length + piece.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(bytes, at, out, at + piece.length, bytes.length - at);
        return out;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] repeat(String text, int times) {
        return text.repeat(times).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

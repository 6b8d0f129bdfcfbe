package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of malformed, truncated and oversized requests from a seeded generator, each with the answers it must get
 * stated by the generator (the statuses in order, then the server's close; an empty list is a close without an
 * answer), never derived from the server's code. The server then still serves and has as many open descriptors as
 * it started with.
 */
class MalformedRequestsFuzzTest {

    private static final long SEED = 20_261_124L;
    private static final int REQUESTS = 3000;
    private static final int REQUEST_LINE_LIMIT = 512;
    private static final int HEADER_FIELDS_LIMIT = 10;
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: (\\d+)");

    /** A well-formed request, its header field count (first request) and the statuses it gets. */
    private record Template(String text, int fields, List<Integer> statuses) {
        /** The end of the first request's head. */
        int headEnd() {
            return text.indexOf("\r\n\r\n") + 4;
        }
    }

    private static final List<Template> TEMPLATES = List.of(
            new Template("GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n", 1, List.of(200)),
            new Template("GET /dir/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 2, List.of(200)),
            new Template("GET /dir HTTP/1.0\r\n\r\n", 0, List.of(301)),
            new Template("GET /index.html HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello", 2, List.of(200)),
            new Template("GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 2,
                    List.of(200)),
            new Template("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc", 2, List.of(405)),
            new Template("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n", 1, List.of(404)),
            new Template("GET /index.html HTTP/1.1\r\nHost: t\r\n\r\nGET /dir/ HTTP/1.1\r\nHost: t\r\n\r\n", 1,
                    List.of(200, 200)));

    /** One defect put into a plain GET, and its one status. */
    private record Special(String request, int status) {
    }

    private static final List<Special> SPECIALS = List.of(
            new Special("GET /%00index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            new Special("GET /%c0%aeindex.html HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            new Special("GET /\u0000index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            new Special("GET /\tindex.html HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            new Special("GET / index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            new Special("GET\n/index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\rHost: t\r\n\r\n", 400),
            new Special("GET /%2e%2e/%2e%2e/index.html HTTP/1.1\r\nHost: t\r\n\r\n", 404),
            new Special("GET /index.html HTTP/2.0\r\nHost: t\r\n\r\n", 505),
            new Special("G\u00ffT /index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400),
            new Special("BREW /index.html HTTP/1.1\r\nHost: t\r\n\r\n", 501),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n", 413),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
                    400),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nHost: a\r\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nX: a\u0000b\r\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nBad Name: x\r\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nX : y\r\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nX: lf\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\r\n\r\n", 400),
            new Special("GET /index.html HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
                    400));

    /** How the client ends its side. */
    private enum Ending {
        /** Half-close after sending, then read to the end. */
        HALF_CLOSE,
        /** Keep sending side open: the server's own timeouts end the exchange. */
        KEEP_OPEN,
        /** Reset right after sending, nothing read: only the server's survival is checked. */
        ABORT
    }

    /** One generated exchange and the answers it must get. */
    private record Case(int index, String kind, byte[] request, Ending ending, List<Integer> statuses) {
        @Override
        public String toString() {
            return "#" + index + " " + kind + " " + ending + " expecting " + statuses + ": "
                    + new String(request, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    @TempDir
    Path root;

    @Test
    void everyMalformedRequestGetsItsStatedAnswersAndNothingLeaks() throws Exception {
        Files.writeString(root.resolve("index.html"), "index");
        Files.createDirectories(root.resolve("dir"));
        Files.writeString(root.resolve("dir/a.txt"), "a");
        try (TestServer server = TestServer.start(root, Map.of(
                "webserver.timeouts.head", "300ms",
                "webserver.timeouts.idle", "300ms",
                "webserver.timeouts.linger", "50ms",
                "webserver.limits.request-line", Integer.toString(REQUEST_LINE_LIMIT),
                "webserver.limits.header-section", "1KiB",
                "webserver.limits.header-fields", Integer.toString(HEADER_FIELDS_LIMIT),
                "webserver.limits.request-body", "256"))) {
            assertThat(RawHttp.get(server.port(), "/index.html").text()).isEqualTo("index");
            Poll.until(Duration.ofSeconds(5), "warm-up connection closed",
                    () -> server.metric("webserver_connections_active") == 0);
            long baseline = openDescriptors();

            // The cases come from the seed in order; 16 clients send them side by side.
            Random random = new Random(SEED);
            List<Callable<String>> exchanges = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                Case c = generate(i, random);
                exchanges.add(() -> mismatch(server.port(), c));
            }
            List<String> mismatches = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                for (Future<String> result : clients.invokeAll(exchanges)) {
                    if (result.get() != null) {
                        mismatches.add(result.get());
                    }
                }
            } finally {
                clients.shutdownNow();
            }

            assertThat(mismatches).as("seed " + SEED).isEmpty();
            assertThat(RawHttp.get(server.port(), "/dir/a.txt").text()).isEqualTo("a");
            Poll.until(Duration.ofSeconds(10), "connections closed",
                    () -> server.metric("webserver_connections_active") == 0);
            Poll.until(Duration.ofSeconds(10), "descriptors back to the baseline of " + baseline,
                    () -> openDescriptors() <= baseline);
        }
    }

    private static Case generate(int index, Random random) {
        int style = random.nextInt(10);
        Ending ending = style == 0 ? Ending.ABORT : style < 8 ? Ending.HALF_CLOSE : Ending.KEEP_OPEN;
        boolean open = ending == Ending.KEEP_OPEN;
        Template template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
        byte[] text = template.text().getBytes(StandardCharsets.ISO_8859_1);
        return switch (random.nextInt(6)) {
            case 0 -> new Case(index, "intact", text, ending, template.statuses());
            case 1 -> {
                // Cut inside the first head: a valid prefix, so only the end of the stream or the clock ends it.
                int cut = random.nextInt(template.headEnd());
                List<Integer> statuses = open ? List.of(408) : cut == 0 ? List.of() : List.of(400);
                yield new Case(index, "truncated", Arrays.copyOf(text, cut), ending, statuses);
            }
            case 2 -> {
                int extra = 1 + random.nextInt(40);
                byte[] flooded = insert(text, template.text().indexOf("\r\n") + 2, "X-H: v\r\n".repeat(extra));
                List<Integer> statuses = template.fields() + extra > HEADER_FIELDS_LIMIT
                        ? List.of(431) : template.statuses();
                yield new Case(index, "header flood of " + extra, flooded, ending, statuses);
            }
            case 3 -> {
                int extra = REQUEST_LINE_LIMIT + random.nextInt(2000);
                byte[] longLine = insert(text, template.text().indexOf('/') + 1, "A".repeat(extra));
                yield new Case(index, "request line over the limit", longLine, ending, List.of(414));
            }
            case 4 -> {
                Special special = SPECIALS.get(random.nextInt(SPECIALS.size()));
                yield new Case(index, "special", special.request().getBytes(StandardCharsets.ISO_8859_1), ending,
                        List.of(special.status()));
            }
            default -> {
                // Bytes without a line break: one unfinished request line, too long or cut by the end or the clock.
                byte[] garbage = new byte[1 + random.nextInt(600)];
                for (int i = 0; i < garbage.length; i++) {
                    do {
                        garbage[i] = (byte) random.nextInt(256);
                    } while (garbage[i] == '\r' || garbage[i] == '\n');
                }
                List<Integer> statuses = garbage.length > REQUEST_LINE_LIMIT ? List.of(414)
                        : open ? List.of(408) : List.of(400);
                yield new Case(index, "garbage", garbage, ending, statuses);
            }
        };
    }

    /** Runs one exchange; null when the answers are the stated ones, else what went wrong. */
    private static String mismatch(int port, Case c) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(c.request());
            if (c.ending() == Ending.ABORT) {
                socket.setSoLinger(true, 0);
                return null;
            }
            if (c.ending() == Ending.HALF_CLOSE) {
                socket.shutdownOutput();
            }
            // Read to the end: a hang fails on the read timeout, a reset is a mismatch.
            byte[] received;
            try {
                received = socket.getInputStream().readAllBytes();
            } catch (IOException e) {
                return c + " -> " + e;
            }
            List<Integer> statuses = statuses(received);
            return statuses.equals(c.statuses()) ? null : c + " -> got " + statuses;
        }
    }

    /** The statuses of the responses in {@code bytes}, in order; -1 for bytes that are not a response. */
    private static List<Integer> statuses(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Integer> statuses = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0 || !text.startsWith("HTTP/1.1 ", at)) {
                statuses.add(-1);
                break;
            }
            String head = text.substring(at, headEnd);
            statuses.add(Integer.parseInt(head.substring(9, 12)));
            Matcher length = CONTENT_LENGTH.matcher(head);
            at = headEnd + 4 + (length.find() ? Integer.parseInt(length.group(1)) : 0);
        }
        return statuses;
    }

    private static byte[] insert(byte[] bytes, int at, String piece) {
        byte[] inserted = piece.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
        return out;
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

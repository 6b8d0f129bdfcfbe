package dev.netlab.kit.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.MeterRegistries;
import dev.netlab.kit.metrics.MetricFamilies;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A scrape of a large exposition (the ping-client's at mesh scale) must not allocate the text's size again on every
 * scrape: back-to-back scrapes then filled the young generation and, promoted, the old one (full collections that
 * stalled probing). Measured as the bytes every thread of this JVM allocated while the scrape was served.
 */
class ScrapeAllocationTest {

    /** About 10 MB of text: 200,000 series of 50 bytes. */
    private static final int SERIES = 200_000;
    private static final String LINE = "own_series{address=\"127.0.0.1:40000\",le=\"0.5\"} 1\n";

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private PrometheusMeterRegistry registry;
    private AdminServer admin;

    @BeforeEach
    void start() {
        registry = MeterRegistries.create(Map.of());
        MetricFamilies own = new MetricFamilies() {
            @Override
            public List<String> names() {
                return List.of("own_series");
            }

            @Override
            public void write(String name, Writer out) throws IOException {
                out.write("# HELP own_series Own\n# TYPE own_series gauge\n");
                for (int i = 0; i < SERIES; i++) {
                    out.write(LINE);
                }
            }
        };
        admin = AdminServer.start(InetAddress.getLoopbackAddress(), 0, registry, List.of(own), new Readiness(),
                routing -> {
                });
    }

    @AfterEach
    void stop() {
        admin.stop();
    }

    @Test
    void aRepeatedScrapeAllocatesAFractionOfItsText() throws Exception {
        byte[] sink = new byte[64 * 1024];
        Response first = scrape(sink);
        assertThat(first.bodyBytes()).isGreaterThan((long) SERIES * LINE.length());

        long before = threads.getTotalThreadAllocatedBytes();
        Response second = scrape(sink);
        long allocated = threads.getTotalThreadAllocatedBytes() - before;

        // The JVM's own meters change a little between scrapes.
        assertThat(second.bodyBytes()).isBetween(first.bodyBytes() - 10_000, first.bodyBytes() + 10_000);
        assertThat(second.head()).containsIgnoringCase("content-length: " + second.bodyBytes());
        assertThat(allocated).as("bytes allocated by the second scrape of %d bytes", second.bodyBytes())
                .isLessThan(second.bodyBytes() / 10);
    }

    /** One GET /metrics on a fresh connection, read into {@code sink} (the client allocates nothing per byte). */
    private Response scrape(byte[] sink) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), admin.address().getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed in the response head");
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            long body = 0;
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                    .matcher(text);
            if (length.find()) {
                body = skip(in, Long.parseLong(length.group(1)), sink);
            } else {
                // Chunked: each chunk's size line in hex, the chunk, CRLF; a chunk of 0 ends it.
                for (long chunk; (chunk = Long.parseLong(line(in).split(";")[0].trim(), 16)) > 0; ) {
                    body += skip(in, chunk, sink);
                    line(in);
                }
            }
            return new Response(text, body);
        }
    }

    private static long skip(InputStream in, long bytes, byte[] sink) throws IOException {
        long left = bytes;
        while (left > 0) {
            int n = in.read(sink, 0, (int) Math.min(sink.length, left));
            if (n < 0) {
                throw new IOException("connection closed with " + left + " bytes of the body missing");
            }
            left -= n;
        }
        return bytes;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed in a chunk's size line");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private record Response(String head, long bodyBytes) {
    }
}

package dev.netlab.webserver.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each format, and every byte a client can send made harmless: no log injection, nothing raw to a terminal. */
class AccessLogFormatTest {

    private static final Instant TIME = Instant.parse("2026-11-30T02:49:47.123Z");
    /** Latin-1 text as the parser decodes it: an ANSI colour, a quote, CR LF, a backslash, C1 CSI, DEL. */
    private static final String HOSTILE = "\u001b[31mred\" \r\n127.0.0.1 - - [fake] \\x1b \u009b2J\u007f";

    private static String line(AccessLogFormat format, AccessLogEntry entry) {
        StringBuilder line = new StringBuilder();
        format.append(entry, line);
        return line.toString();
    }

    private static AccessLogEntry entry(String target, String referer, String userAgent) throws Exception {
        return new AccessLogEntry(TIME, InetAddress.getByName("127.0.0.1"), "GET", target, "HTTP/1.1", 200, 1234,
                referer, userAgent, 1_234_567);
    }

    @Test
    void combinedIsApachesCombinedPlusTheRequestTime() throws Exception {
        assertThat(line(AccessLogFormat.COMBINED, entry("/a?b=c", "http://r/", "curl/8")))
                .isEqualTo("127.0.0.1 - - [30/Nov/2026:02:49:47 +0000] \"GET /a?b=c HTTP/1.1\" 200 1234 "
                        + "\"http://r/\" \"curl/8\" 0.001\n");
        assertThat(line(AccessLogFormat.COMBINED, new AccessLogEntry(TIME, null, null, null, null, 400, 90, null,
                null, 0))).isEqualTo("- - - [30/Nov/2026:02:49:47 +0000] \"-\" 400 90 \"-\" \"-\" 0.000\n");
    }

    @Test
    void combinedEscapesQuotesBackslashesAndEveryControl() throws Exception {
        String line = line(AccessLogFormat.COMBINED, entry("/x", HOSTILE, HOSTILE));
        assertThat(line).endsWith("0.001\n").containsOnlyOnce("\n");
        assertThat(line.substring(0, line.length() - 1).chars())
                .allMatch(c -> c >= 0x20 && c < 0x7f);
        assertThat(line).contains("\"\\x1b[31mred\\\" \\r\\n127.0.0.1 - - [fake] \\\\x1b \\x9b2J\\x7f\"");
        // Quotes: the two of each quoted field, six fields' worth; an escaped quote is not one.
        assertThat(line.replace("\\\"", "").chars().filter(c -> c == '"').count()).isEqualTo(6);
    }

    @Test
    void combinedEscapesEveryByteAboveAsciiSoTheLineIsTheClientsBytesNotARecoding() throws Exception {
        // obs-text as the parser decodes it (one char per byte): a lone 0xff, bad UTF-8, and the UTF-8 of U+202E
        // (right-to-left override), which a UTF-8 terminal would apply if the bytes went out as they came.
        String obsText = "\u00ff\u00fe\u00c3\u0028 \u00e2\u0080\u00ae";
        String line = line(AccessLogFormat.COMBINED, entry("/x", obsText, "ua " + obsText));
        assertThat(line.substring(0, line.length() - 1).chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        assertThat(line).contains("\"\\xff\\xfe\\xc3( \\xe2\\x80\\xae\" \"ua \\xff\\xfe\\xc3( \\xe2\\x80\\xae\"");
    }

    @Test
    void jsonLinesParseBackToWhatWasSent() throws Exception {
        String line = line(AccessLogFormat.JSON, entry("/x", null, HOSTILE));
        assertThat(line).endsWith("}\n").containsOnlyOnce("\n");
        assertThat(line.substring(0, line.length() - 1).chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("time").asText()).isEqualTo("2026-11-30T02:49:47.123Z");
        assertThat(json.get("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(json.get("method").asText()).isEqualTo("GET");
        assertThat(json.get("target").asText()).isEqualTo("/x");
        assertThat(json.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(json.get("status").asInt()).isEqualTo(200);
        assertThat(json.get("bytes").asLong()).isEqualTo(1234);
        assertThat(json.get("referer").isNull()).isTrue();
        assertThat(json.get("user_agent").asText()).isEqualTo(HOSTILE);
        assertThat(json.get("request_time").asDouble()).isEqualTo(0.001);
    }
}

package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadParserTest {

    /** Tiny limits: a 32-byte request line, a 64-byte header section, 3 fields. */
    private final HttpLimits tiny = new HttpLimits(32, 64, 3, 100);
    private final RequestHeadParser parser = new RequestHeadParser(tiny);

    private RequestHead parse(String text) throws Exception {
        return parser.parse(HttpInput.of(text.getBytes(StandardCharsets.ISO_8859_1))).orElseThrow();
    }

    private Status statusOf(String text) {
        try {
            parse(text);
        } catch (HttpException e) {
            return e.status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void parsesARequestLineAndHeaders() throws Exception {
        RequestHead head = parse("GET /a?b=c HTTP/1.1\r\nHost: x\r\nAccept:  */* \r\n\r\n");
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.target()).isEqualTo("/a?b=c");
        assertThat(head.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(head.headers().first("accept")).isEqualTo("*/*");
        assertThat(head.headers().first("HOST")).isEqualTo("x");
        assertThat(head.framing()).isEqualTo(BodyFraming.NONE);
        assertThat(head.wantsKeepAlive()).isTrue();
    }

    @Test
    void readsPipelinedHeadsOneAfterTheOther() throws Exception {
        HttpInput in = HttpInput.of("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /2 HTTP/1.0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(parser.parse(in).orElseThrow().target()).isEqualTo("/1");
        RequestHead second = parser.parse(in).orElseThrow();
        assertThat(second.method()).isEqualTo("HEAD");
        assertThat(second.version()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(second.wantsKeepAlive()).isFalse();
        assertThat(parser.parse(in)).isEmpty();
    }

    @Test
    void parsesAHeadThatArrivesOneByteAtATime() throws Exception {
        byte[] bytes = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream trickle = new InputStream() {
            private int next;

            @Override
            public int read() {
                return next < bytes.length ? bytes[next++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
        assertThat(parser.parse(new HttpInput(trickle, 16)).orElseThrow().target()).isEqualTo("/");
    }

    @Test
    void ignoresAnEmptyLineBeforeTheRequestLine() throws Exception {
        assertThat(parse("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").method()).isEqualTo("GET");
    }

    @Test
    void endOfStreamBeforeTheFirstByteIsNoRequest() throws Exception {
        assertThat(parser.parse(HttpInput.of(new byte[0]))).isEmpty();
    }

    @Test
    void http10NeedsNoHostAndKeepsAliveOnlyWhenAsked() throws Exception {
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").wantsKeepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").wantsKeepAlive()).isTrue();
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").wantsKeepAlive()).isFalse();
    }

    @Test
    void requestLineOverTheLimitIs414() {
        assertThat(statusOf("GET /" + "a".repeat(40) + " HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(Status.URI_TOO_LONG);
        // Exactly at the limit passes: "GET /" + 18 + " HTTP/1.1" is 32 bytes.
        assertThat(statusOrOk("GET /" + "a".repeat(18) + " HTTP/1.1\r\nHost: x\r\n\r\n")).isNull();
    }

    @Test
    void headerSectionOverTheLimitIs431() {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + "v".repeat(60) + "\r\n\r\n"))
                .isEqualTo(Status.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    @Test
    void theHeaderBudgetShrinksAcrossFields() {
        // Host (9 bytes) and each 30-byte field fit alone; together (69 bytes) they exceed 64.
        String field = "X-A: " + "v".repeat(23) + "\r\n";
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: x\r\n" + field + field + "\r\n"))
                .isEqualTo(Status.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    @Test
    void tooManyHeaderFieldsIs431() {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"))
                .isEqualTo(Status.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\n\r\n",                                  // missing Host
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",            // repeated Host
        "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n",            // repeated Host on 1.0 too
        "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",                     // invalid Host
        "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",                     // invalid Host
        "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",            // obs-fold
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",                      // whitespace before the colon
        "GET / HTTP/1.1\nHost: x\r\n\r\n",                         // bare LF in the request line
        "GET / HTTP/1.1\r\nHost: x\n\r\n",                         // bare LF in a field
        "GET / HTTP/1.1\r\nHost: x\r\n\n",                         // bare LF ending the head
        "GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n",                    // bare CR
        "GET / HTTP/1.1\r\nHost: a\u0000b\r\n\r\n",                // NUL in a value
        "GET / HTTP/1.1\r\nHost: x\r\nA: \u007f\r\n\r\n",          // DEL in a value
        "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",                       // invalid method token
        "GET / HTTP/1.1\r\nHo[st: x\r\n\r\n",                      // invalid field name
        "GET / HTTP/1.1\r\nHost\r\n\r\n",                          // no colon
        "GET / HTTP/1.1\r\n: x\r\n\r\n",                           // empty name
        "GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n",               // control byte in the target
        "GET /\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n",                 // raw non-ASCII in the target
        "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",                      // two spaces
        "GET /\r\nHost: x\r\n\r\n",                                // no version (HTTP/0.9)
        "GET / FOO/1.1\r\nHost: x\r\n\r\n",                        // not a version
        "GET / HTTP/11\r\nHost: x\r\n\r\n",                        // malformed version
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1,1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        "GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n",                            // truncated head
        "GET / HTT",                                                // truncated request line
    })
    void malformedHeadsAre400(String text) {
        assertThat(statusOf(text)).isEqualTo(Status.BAD_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0"})
    void otherVersionsAre505(String version) {
        assertThat(statusOf("GET / " + version + "\r\nHost: x\r\n\r\n")).isEqualTo(Status.HTTP_VERSION_NOT_SUPPORTED);
    }

    @Test
    void framingFollowsContentLengthOrChunked() throws Exception {
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n").framing())
                .isEqualTo(new BodyFraming.Length(5));
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n").framing())
                .isEqualTo(new BodyFraming.Length(5));
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n").framing())
                .isEqualTo(BodyFraming.CHUNKED);
    }

    @Test
    void aFailureAfterTheRequestLineKeepsTheMethodForMetrics() {
        assertThatThrownBy(() -> parse("HEAD / HTTP/1.1\r\n\r\n"))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.method()).isEqualTo("HEAD"));
        assertThatThrownBy(() -> parse("G(T / HTTP/1.1\r\n\r\n"))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.method()).isNull());
    }

    @Test
    void messagesNeverEchoClientBytes() {
        assertThatThrownBy(() -> parse("GET / HTTP/1.1\r\nHost: x\r\nSecret\u0000: token\r\n\r\n"))
                .isInstanceOfSatisfying(HttpException.class,
                        e -> assertThat(e.getMessage()).doesNotContain("Secret").doesNotContain("token"));
    }

    @Test
    void hostsWithPortsAndLiteralsAreAccepted() throws Exception {
        assertThat(parse("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").headers().first("host")).isEqualTo("[::1]:8080");
        assertThat(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").headers().first("host")).isEmpty();
    }

    @Test
    void obsTextInValuesIsKept() throws Exception {
        assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nA: caf\u00e9\r\n\r\n").headers().first("a")).isEqualTo("caf\u00e9");
    }

    private Status statusOrOk(String text) {
        try {
            parse(text);
            return null;
        } catch (HttpException e) {
            return e.status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsAcrossSmallBufferRefills() throws IOException, HttpException {
        byte[] bytes = "GET /x HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        RequestHead head = parser.parse(new HttpInput(new ByteArrayInputStream(bytes), 3)).orElseThrow();
        assertThat(head.headers().first("host")).isEqualTo("example");
    }
}

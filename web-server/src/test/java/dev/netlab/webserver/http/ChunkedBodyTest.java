package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chunked bodies fed as bytes to the discarder (body limit 64): each case states whether RFC 9112 section 7.1
 * accepts it, or which status it gets. A lenient reading of any of the refused shapes is a smuggling vector.
 */
class ChunkedBodyTest {

    private static final int LIMIT = 64;
    private static final String LONG_NAME = "a".repeat(2000);

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("one chunk", "3\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("upper and lower hex", "A\r\n0123456789\r\nb\r\n0123456789a\r\n0\r\n\r\n"),
                Arguments.of("leading zeros", "0003\r\nabc\r\n000\r\n\r\n"),
                Arguments.of("an extension without value", "3;a\r\nabc\r\n0;last\r\n\r\n"),
                Arguments.of("extensions with token values", "3;a=1;b=x-y\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("a quoted value with an escaped quote", "3;a=\"x \\\" ;y\"\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("bad whitespace around ; and = (BWS in the ABNF)", "3 ;a = b\t; c\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("trailer fields", "0\r\nA: b\r\nEmpty:\r\nC:d  \r\n\r\n"),
                Arguments.of("obs-text in a trailer value", "0\r\nA: caf\u00e9\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void accepted(String name, String body) throws Exception {
        HttpInput in = input(body + "NEXT");
        new BodyDiscarder(LIMIT).discard(in, BodyFraming.CHUNKED);
        assertThat((char) in.read()).as("the next request starts right after the body").isEqualTo('N');
    }

    static Stream<Arguments> badRequest() {
        return Stream.of(
                Arguments.of("0x prefix (read as 0 by a lenient parser)", "0x3\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("junk after the digits", "3x\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("an extension without ;", "3 a\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("trailing whitespace after the size", "3 \r\nabc\r\n0\r\n\r\n"),
                Arguments.of("trailing whitespace after an extension", "3;a \r\nabc\r\n0\r\n\r\n"),
                Arguments.of("no size", "\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("a sign", "+3\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("leading whitespace", " 3\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("an empty extension name", "3;\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("an empty extension value", "3;a=\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("a name that is not a token", "3;a@b\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("two tokens as a value", "3;a=b c\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("an unterminated quoted value", "3;a=\"b\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("a control byte in a quoted value", "3;a=\"\u0001\"\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("a NUL in an extension", "3;a\u0000\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("a chunk size line too long", "3;" + LONG_NAME + "\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("leading zeros past the line limit", "0".repeat(2000) + "3\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("a bare LF after the size", "3\nabc\r\n0\r\n\r\n"),
                Arguments.of("a bare CR after the size", "3\rabc\r\n0\r\n\r\n"),
                Arguments.of("chunk data longer than its size", "3\r\nabcd\r\n0\r\n\r\n"),
                Arguments.of("a trailer without a colon", "0\r\nNoColon\r\n\r\n"),
                Arguments.of("a trailer with obs-fold", "0\r\nA: b\r\n c\r\n\r\n"),
                Arguments.of("a trailer with an empty name", "0\r\n: b\r\n\r\n"),
                Arguments.of("a trailer name with a space", "0\r\nA b: c\r\n\r\n"),
                Arguments.of("whitespace before a trailer's colon", "0\r\nA : b\r\n\r\n"),
                Arguments.of("a NUL in a trailer value", "0\r\nA: b\u0000c\r\n\r\n"),
                Arguments.of("a DEL in a trailer value", "0\r\nA: b\u007f\r\n\r\n"),
                Arguments.of("a bare LF in the trailer", "0\r\nA: b\n\r\n"),
                Arguments.of("a trailer section too large", "0\r\n" + ("A: " + LONG_NAME + "\r\n").repeat(5) + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void badRequest(String name, String body) {
        assertThatThrownBy(() -> new BodyDiscarder(LIMIT).discard(input(body), BodyFraming.CHUNKED))
                .isInstanceOfSatisfying(HttpException.class,
                        e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST));
    }

    static Stream<Arguments> contentTooLarge() {
        return Stream.of(
                Arguments.of("one chunk over the limit", "41\r\n"),
                Arguments.of("chunks adding up past the limit", "40\r\n" + "x".repeat(64) + "\r\n1\r\nx\r\n0\r\n\r\n"),
                Arguments.of("a size of 2^64 (overflows a long)", "10000000000000000\r\n"),
                Arguments.of("twenty f digits", "ffffffffffffffffffff\r\n"),
                Arguments.of("a huge size before junk", "ffffffffffffffffffffx\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void contentTooLarge(String name, String body) {
        assertThatThrownBy(() -> new BodyDiscarder(LIMIT).discard(input(body), BodyFraming.CHUNKED))
                .isInstanceOfSatisfying(HttpException.class,
                        e -> assertThat(e.status()).isEqualTo(Status.CONTENT_TOO_LARGE));
    }

    private static HttpInput input(String text) {
        return HttpInput.of(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}

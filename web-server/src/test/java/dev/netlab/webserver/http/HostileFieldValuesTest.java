package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The part-2 field parsers (Range, If-Range, the four preconditions, Accept-Encoding, Expect) fed seeded random values
 * built from the characters their grammars use, and from what they do not: none throws anything but the HttpException
 * Expect is allowed, and every answer keeps the invariants the handler relies on. The seed is in every failure.
 */
class HostileFieldValuesTest {

    private static final long SEED = 20_261_201L;
    private static final int VALUES = 20_000;
    private static final long SIZE = 1000;
    private static final String ETAG = "\"18cc251f400-3e8\"";
    private static final Instant MODIFIED = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final String[] PIECES = {"0", "1", "9", "-", ",", " ", "\t", ";", "=", "q", "Q", "\"", "W/", "*",
        "bytes", "bytes=", "gzip", "br", "identity", "x-gzip", "100-continue", ".", "0.5", "1.000", "1.5", "-1",
        "99999999999999999999", "9223372036854775807", "9223372036854775808", ETAG, "W/" + ETAG, "Mon, 01 Jan 2024 00:00:00 GMT",
        "Sun, 31 Dec 2023 23:59:60 GMT", "Sat, 01 Jan 99999 00:00:00 GMT", "Monday, 01-Jan-24 00:00:00 GMT",
        "Mon Jan  1 00:00:00 2024", "\u00ff", "\u0080", "GMT", ":", "e", "+", "\\"};

    @Test
    void noParserThrowsAndEveryAnswerKeepsItsInvariants() {
        Random random = new Random(SEED);
        for (int i = 0; i < VALUES; i++) {
            String value = value(random);
            String name = List.of("Range", "If-Range", "If-Match", "If-None-Match", "If-Modified-Since",
                    "If-Unmodified-Since", "Accept-Encoding", "Expect").get(random.nextInt(8));
            Headers headers = new Headers().add(name, value);
            if (random.nextInt(4) == 0) {
                headers.add(name, value(random));
            }
            String seeded = "seed " + SEED + ", value " + i + ": " + name + ": " + value;
            try {
                check(headers, random.nextBoolean() ? "GET" : "HEAD", seeded);
            } catch (RuntimeException e) {
                throw new AssertionError(seeded, e);
            }
        }
    }

    private static void check(Headers headers, String method, String seeded) {
        RequestHead head = new RequestHead(method, "/a.txt", HttpVersion.HTTP_1_1, headers, new BodyFraming.Length(1));
        if (headers.count("Range") > 0) {
            if (ByteRanges.select(headers.first("Range"), SIZE) instanceof ByteRanges.Partial partial) {
                List<ByteRanges.Range> sorted = new ArrayList<>(partial.ranges());
                sorted.sort(Comparator.comparingLong(ByteRanges.Range::first));
                assertThat(sorted).as(seeded).isNotEmpty().hasSizeLessThanOrEqualTo(ByteRanges.MAX_RANGES);
                for (int i = 0; i < sorted.size(); i++) {
                    ByteRanges.Range range = sorted.get(i);
                    assertThat(range.first()).as(seeded).isBetween(0L, range.last());
                    assertThat(range.last()).as(seeded).isLessThan(SIZE);
                    if (i > 0) {
                        assertThat(range.first()).as(seeded).isGreaterThan(sorted.get(i - 1).last());
                    }
                }
            }
        }
        IfRange.allows(headers, ETAG, MODIFIED, NOW);
        assertThat(Preconditions.evaluate(head, ETAG, MODIFIED, NOW)).as(seeded).isNotNull();
        // A representation without validators (a directory listing) fails only If-Match and "*".
        assertThat(Preconditions.evaluate(head, null, null, NOW)).as(seeded).isNotNull();
        String coding = AcceptEncoding.choose(headers.all("Accept-Encoding"), List.of("br", "gzip"));
        assertThat(coding).as(seeded).isIn(null, "br", "gzip");
        try {
            Expectation.leavesBodyUnread(head, 1024);
        } catch (HttpException e) {
            assertThat(e.status()).as(seeded).isIn(Status.EXPECTATION_FAILED, Status.CONTENT_TOO_LARGE);
        }
    }

    /** Up to 12 pieces, sometimes one of them repeated into a very long value. */
    private static String value(Random random) {
        StringBuilder value = new StringBuilder();
        int pieces = 1 + random.nextInt(12);
        for (int i = 0; i < pieces; i++) {
            String piece = PIECES[random.nextInt(PIECES.length)];
            value.append(random.nextInt(50) == 0 ? piece.repeat(1 + random.nextInt(2000)) : piece);
        }
        return value.toString();
    }
}

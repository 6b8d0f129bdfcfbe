package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The date rules of {@link Preconditions} against a fixed present, where a socket test cannot hold the clock. */
class PreconditionsTest {

    private static final String ETAG = "\"18cc251f400-3e8\"";
    private static final Instant MODIFIED = Instant.parse("2024-01-01T00:00:00.500Z");
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00.900Z");

    private static Preconditions.Outcome evaluate(String method, String name, String value) {
        Headers headers = new Headers().add(name, value);
        RequestHead head = new RequestHead(method, "/a.txt", HttpVersion.HTTP_1_1, headers, BodyFraming.NONE);
        return Preconditions.evaluate(head, ETAG, MODIFIED, NOW);
    }

    @Test
    void anIfModifiedSinceUpToTheCurrentSecondCountsAndOneLaterIsIgnored() {
        assertThat(evaluate("GET", "If-Modified-Since", "Tue, 01 Dec 2026 10:00:00 GMT"))
                .isEqualTo(Preconditions.Outcome.NOT_MODIFIED);
        assertThat(evaluate("GET", "If-Modified-Since", "Tue, 01 Dec 2026 10:00:01 GMT"))
                .isEqualTo(Preconditions.Outcome.PROCEED);
        assertThat(evaluate("HEAD", "If-Modified-Since", "Fri, 31 Dec 9999 23:59:59 GMT"))
                .isEqualTo(Preconditions.Outcome.PROCEED);
    }

    @Test
    void anIfUnmodifiedSinceInTheFutureStillHolds() {
        // Not the mirror case: a later date only makes "not modified since" true, it cannot hide a change.
        assertThat(evaluate("GET", "If-Unmodified-Since", "Fri, 31 Dec 9999 23:59:59 GMT"))
                .isEqualTo(Preconditions.Outcome.PROCEED);
        assertThat(evaluate("GET", "If-Unmodified-Since", "Sun, 31 Dec 2023 23:59:59 GMT"))
                .isEqualTo(Preconditions.Outcome.PRECONDITION_FAILED);
    }
}

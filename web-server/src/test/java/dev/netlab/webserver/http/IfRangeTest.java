package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** If-Range (RFC 9110 section 13.1.5): a strong tag or the exact date lets the Range apply. */
class IfRangeTest {

    private static final String ETAG = "\"18e0c2d1b7c-c\"";
    private static final Instant MODIFIED = Instant.parse("2024-03-05T06:07:08.500Z");
    private static final String MODIFIED_TEXT = "Tue, 05 Mar 2024 06:07:08 GMT";
    private static final Instant NOW = Instant.parse("2024-03-05T07:00:00Z");

    private static boolean allows(String... values) {
        Headers headers = new Headers();
        for (String value : values) {
            headers.add("If-Range", value);
        }
        return IfRange.allows(headers, ETAG, MODIFIED, NOW);
    }

    @Test
    void noIfRangeAllows() {
        assertThat(allows()).isTrue();
    }

    @Test
    void theCurrentStrongTagAllowsAnotherDoesNot() {
        assertThat(allows(ETAG)).isTrue();
        assertThat(allows(" " + ETAG + " ")).isTrue();
        assertThat(allows("\"other\"")).isFalse();
    }

    @Test
    void aWeakTagNeverMatches() {
        assertThat(allows("W/" + ETAG)).isFalse();
    }

    @Test
    void onlyTheExactDateMatches() {
        assertThat(allows(MODIFIED_TEXT)).isTrue();
        assertThat(allows("Tue, 05 Mar 2024 06:07:09 GMT")).isFalse();
        assertThat(allows("Tue, 05 Mar 2024 06:07:07 GMT")).isFalse();
    }

    @Test
    void aDateWithinTheCurrentSecondIsWeak() {
        Headers headers = new Headers().add("If-Range", MODIFIED_TEXT);
        assertThat(IfRange.allows(headers, ETAG, MODIFIED, MODIFIED.plusMillis(200))).isFalse();
    }

    @Test
    void garbageListsRepeatsAndHugeValuesDoNotMatch() {
        assertThat(allows("yesterday")).isFalse();
        assertThat(allows(ETAG + ", \"other\"")).isFalse();
        assertThat(allows("*")).isFalse();
        assertThat(allows(ETAG, ETAG)).isFalse();
        assertThat(allows("\"" + "a".repeat(30_000) + "\"")).isFalse();
        assertThat(allows(MODIFIED_TEXT + " ".repeat(30_000) + "x")).isFalse();
    }
}

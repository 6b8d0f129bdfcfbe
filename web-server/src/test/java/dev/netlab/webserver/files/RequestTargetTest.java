package dev.netlab.webserver.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.webserver.http.HttpException;
import dev.netlab.webserver.http.Status;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

    @Test
    void splitsAndDecodesSegmentsOnce() throws Exception {
        RequestTarget target = RequestTarget.parse("/a%20b/%25 2e/caf%C3%A9?x=%2e");
        assertThat(target.segments()).containsExactly("a b", "% 2e", "caf\u00e9");
        assertThat(target.query()).isEqualTo("x=%2e");
        assertThat(target.trailingSlash()).isFalse();
    }

    @Test
    void doubleEncodingStaysLiteral() throws Exception {
        // %252e%252e is the name "%2e%2e", never "..".
        assertThat(RequestTarget.parse("/%252e%252e/x").segments()).containsExactly("%2e%2e", "x");
    }

    @Test
    void encodedSeparatorsStayInsideTheirSegment() throws Exception {
        assertThat(RequestTarget.parse("/a%2fb/c%5cd").segments()).containsExactly("a/b", "c\\d");
    }

    @Test
    void aTrailingSlashIsRemembered() throws Exception {
        RequestTarget target = RequestTarget.parse("/dir/");
        assertThat(target.segments()).containsExactly("dir");
        assertThat(target.trailingSlash()).isTrue();
        assertThat(RequestTarget.parse("/").segments()).isEmpty();
    }

    @Test
    void absoluteFormUsesOnlyThePath() throws Exception {
        assertThat(RequestTarget.parse("http://evil.example/../x").segments()).isEqualTo(List.of("..", "x"));
        assertThat(RequestTarget.parse("HTTPS://h").segments()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/a%00b",           // decoded NUL: a 400, never a truncated name
        "/a%0d%0aSet-Cookie:x", // CR LF
        "/a%1fb", "/a%7f", "/a%c2%85", // other control characters, C1 included
        "/%c0%ae%c0%ae/x",  // overlong UTF-8 for ".."
        "/%e0%80%af",       // overlong "/"
        "/%c0%af",          // overlong "/"
        "/%ed%a0%80",       // a surrogate
        "/%ff",             // not UTF-8 at all
        "/%zz", "/%2", "/%", // broken percent-encoding
        "/a#frag",
        "example.com:80",   // authority-form
        "*",                // asterisk-form
        "file:///etc/passwd",
        "a/b",
    })
    void malformedTargetsAre400(String raw) {
        assertThatThrownBy(() -> RequestTarget.parse(raw))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST));
    }
}

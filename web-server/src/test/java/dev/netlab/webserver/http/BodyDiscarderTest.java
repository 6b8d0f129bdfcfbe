package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Length and chunked framing end where the next request starts; chunked shapes in detail: ChunkedBodyTest. */
class BodyDiscarderTest {

    private final BodyDiscarder discarder = new BodyDiscarder(10);

    private static HttpInput input(String text) {
        return HttpInput.of(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aDeclaredLengthIsSkippedAndTheNextRequestFollows() throws Exception {
        HttpInput in = input("helloNEXT");
        discarder.discard(in, new BodyFraming.Length(5));
        assertThat((char) in.read()).isEqualTo('N');
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413BeforeReading() {
        HttpInput in = input("x");
        assertThatThrownBy(() -> discarder.discard(in, new BodyFraming.Length(11)))
                .isInstanceOfSatisfying(HttpException.class,
                        e -> assertThat(e.status()).isEqualTo(Status.CONTENT_TOO_LARGE));
    }

    @Test
    void aChunkedBodyWithTrailersIsSkipped() throws Exception {
        HttpInput in = input("3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\nNEXT");
        discarder.discard(in, BodyFraming.CHUNKED);
        assertThat((char) in.read()).isEqualTo('N');
    }

    @Test
    void aBodyCutShortIsTheEndOfTheConnection() {
        assertThatThrownBy(() -> discarder.discard(input("abc"), new BodyFraming.Length(5)))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> discarder.discard(input("5\r\nab"), BodyFraming.CHUNKED))
                .isInstanceOf(EOFException.class);
    }
}

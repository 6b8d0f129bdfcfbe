package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
    void chunksOverTheLimitAre413() {
        HttpInput in = input("8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
        assertThatThrownBy(() -> discarder.discard(in, BodyFraming.CHUNKED))
                .isInstanceOfSatisfying(HttpException.class,
                        e -> assertThat(e.status()).isEqualTo(Status.CONTENT_TOO_LARGE));
    }

    @Test
    void aHugeChunkSizeIs413NotAnOverflow() {
        HttpInput in = input("ffffffffffffffffffff\r\n");
        assertThatThrownBy(() -> discarder.discard(in, BodyFraming.CHUNKED))
                .isInstanceOfSatisfying(HttpException.class,
                        e -> assertThat(e.status()).isEqualTo(Status.CONTENT_TOO_LARGE));
    }

    @Test
    void malformedChunksAre400() {
        for (String body : new String[] {"x\r\n", "3\r\nabcXY0\r\n\r\n", "3\nabc\r\n0\r\n\r\n", "0\r\nA: b\n\r\n"}) {
            assertThatThrownBy(() -> discarder.discard(input(body), BodyFraming.CHUNKED))
                    .as(body)
                    .isInstanceOfSatisfying(HttpException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST));
        }
    }

    @Test
    void aBodyCutShortIsTheEndOfTheConnection() {
        assertThatThrownBy(() -> discarder.discard(input("abc"), new BodyFraming.Length(5)))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> discarder.discard(input("5\r\nab"), BodyFraming.CHUNKED))
                .isInstanceOf(EOFException.class);
    }
}

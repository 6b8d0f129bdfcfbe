package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An idle connection's input holds only its small buffer; a read that fills it grows it for the busy stretch. */
class HttpInputTest {

    /** A stream that hands out at most {@code chunk} bytes per read, as a socket does per segment. */
    private static InputStream chunked(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static String readAll(HttpInput input, int count) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append((char) input.read());
        }
        return text.toString();
    }

    @Test
    void aShortRequestIsReadInTheSmallBufferWithoutGrowing() throws IOException {
        byte[] request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        HttpInput input = new HttpInput(new ByteArrayInputStream(request), 64, 1024);
        assertThat(readAll(input, request.length)).isEqualTo(new String(request, StandardCharsets.US_ASCII));
        assertThat(input.capacity()).isEqualTo(64);
        assertThat(input.read()).isEqualTo(-1);
    }

    @Test
    void aReadThatFillsTheSmallBufferGrowsItAndShrinkingReturnsToItOnceAllIsConsumed() throws IOException {
        byte[] burst = new byte[3000];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = (byte) ('a' + i % 26);
        }
        HttpInput input = new HttpInput(chunked(burst, 2000), 64, 1024);
        input.read();
        assertThat(input.capacity()).isEqualTo(64);
        assertThat(input.skip(63)).isTrue();
        // The first read filled all 64 bytes: the next one reads into the large buffer, in one call.
        assertThat(input.read()).isEqualTo(burst[64]);
        assertThat(input.capacity()).isEqualTo(1024);
        input.shrink();
        assertThat(input.capacity()).as("bytes still buffered keep the large buffer").isEqualTo(1024);
        assertThat(input.skip(burst.length - 65)).isTrue();
        assertThat(input.hasBuffered()).isFalse();
        input.shrink();
        assertThat(input.capacity()).isEqualTo(64);
        assertThat(input.read()).isEqualTo(-1);
    }

    @Test
    void bytesAreNeitherLostNorRepeatedAcrossGrowingAndShrinking() throws IOException {
        byte[] data = new byte[10_000];
        new Random(5).nextBytes(data);
        HttpInput input = new HttpInput(chunked(data, 700), 100, 4096);
        for (int i = 0; i < data.length; i++) {
            if (!input.hasBuffered()) {
                input.shrink();
            }
            assertThat(input.read()).as("byte %d", i).isEqualTo(data[i] & 0xff);
        }
        assertThat(input.read()).isEqualTo(-1);
    }
}

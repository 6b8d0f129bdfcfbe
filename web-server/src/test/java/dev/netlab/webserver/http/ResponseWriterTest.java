package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes of an answer's head: frozen (pre-encoded) header fields write the same head as fields added one by one. */
class ResponseWriterTest {

    private static final HttpDate DATE =
            new HttpDate(Clock.fixed(Instant.parse("2026-11-30T06:00:00Z"), ZoneOffset.UTC));

    @Test
    void frozenFieldsWriteTheSameHeadAsFieldsAddedOneByOne() throws Exception {
        Headers fields = new Headers().add("Content-Type", "text/plain").add("ETag", "\"1-5\"");
        String plain = written(new Response(Status.OK, fields, new Body.Bytes("hello".getBytes(StandardCharsets.US_ASCII))));
        String frozen = written(new Response(Status.OK, fields.frozen(),
                new Body.Bytes("hello".getBytes(StandardCharsets.US_ASCII))));
        assertThat(frozen).isEqualTo(plain).isEqualTo("HTTP/1.1 200 OK\r\nDate: Mon, 30 Nov 2026 06:00:00 GMT\r\n"
                + "Server: netlab\r\nContent-Type: text/plain\r\nETag: \"1-5\"\r\nContent-Length: 5\r\n\r\nhello");
    }

    @Test
    void contentLengthDigitsAreWrittenForEveryMagnitude() throws Exception {
        for (int length : new int[] {0, 1, 9, 10, 99, 100, 1024, 12345}) {
            String head = written(new Response(Status.OK, new Headers(), new Body.Bytes(new byte[length])));
            assertThat(head).contains("\r\nContent-Length: " + length + "\r\n\r\n");
        }
    }

    @Test
    void aNotModifiedAnswerHasNoContentLength() throws Exception {
        String head = written(new Response(Status.NOT_MODIFIED, new Headers().add("ETag", "\"x\"").frozen(), Body.EMPTY));
        assertThat(head).isEqualTo("HTTP/1.1 304 Not Modified\r\nDate: Mon, 30 Nov 2026 06:00:00 GMT\r\n"
                + "Server: netlab\r\nETag: \"x\"\r\n\r\n");
    }

    @Test
    void frozenFieldsCannotBeAddedTo() {
        Headers frozen = new Headers().add("A", "1").frozen();
        assertThatThrownBy(() -> frozen.add("B", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(frozen.first("a")).isEqualTo("1");
        assertThat(frozen.sameAs(new Headers().add("A", "1"))).isTrue();
        assertThat(frozen.sameAs(new Headers().add("A", "2"))).isFalse();
    }

    @Test
    void aBodyLargerThanTheBufferGoesOutWithItsHeadInOneGatheringWrite() throws Exception {
        byte[] content = new byte[40 * 1024];
        java.util.Arrays.fill(content, (byte) 'x');
        ByteBuffer shared = ByteBuffer.allocateDirect(content.length).put(content).flip().asReadOnlyBuffer();
        for (Body body : List.of(new Body.Bytes(content), new Body.Shared(shared))) {
            GatheringRecorder channel = new GatheringRecorder();
            long sent = new ResponseWriter(channel, 1024, DATE)
                    .write(new Response(Status.OK, new Headers(), body), false, false, false);
            assertThat(channel.calls).isEqualTo(1);
            String answer = channel.out.toString(StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 40960\r\n\r\n")
                    .endsWith("x".repeat(content.length));
            assertThat(sent).isEqualTo(answer.length());
        }
    }

    /** A socket-like channel that takes everything in each call and counts the calls. */
    private static final class GatheringRecorder implements GatheringByteChannel {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int calls;

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) {
            calls++;
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += take(sources[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] sources) {
            return write(sources, 0, sources.length);
        }

        @Override
        public int write(ByteBuffer source) {
            calls++;
            return take(source);
        }

        private int take(ByteBuffer source) {
            byte[] bytes = new byte[source.remaining()];
            source.get(bytes);
            out.writeBytes(bytes);
            return bytes.length;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static String written(Response response) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ResponseWriter(Channels.newChannel(out), 1024, DATE).write(response, false, false, false);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}

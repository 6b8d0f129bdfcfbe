package dev.netlab.mailclient.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Replies parsed straight from bytes, no socket. */
class ReplyReaderTest {

    private final AtomicLong fakeNanos = new AtomicLong();

    private ReplyReader reader(String wire) {
        return reader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
    }

    private ReplyReader reader(InputStream in) {
        return new ReplyReader(in, ReplyReader.ReadGuard.NONE, fakeNanos::get);
    }

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void singleLineReply() throws Exception {
        Reply reply = reader("220 mail.example.org ESMTP ready\r\n").read(MINUTE, false);
        assertThat(reply.code()).isEqualTo(220);
        assertThat(reply.lines()).containsExactly("mail.example.org ESMTP ready");
        assertThat(reply.kind()).isEqualTo(Reply.Kind.POSITIVE_COMPLETION);
    }

    @Test
    void multiLineReplyEndsAtTheLineWithASpace() throws Exception {
        ReplyReader reader = reader("250-mail.example.org\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n221 next\r\n");
        Reply reply = reader.read(MINUTE, false);
        assertThat(reply.code()).isEqualTo(250);
        assertThat(reply.lines()).containsExactly("mail.example.org", "PIPELINING", "SIZE 10240000");
        assertThat(reader.hasBufferedBytes()).isTrue();
        assertThat(reader.read(MINUTE, false).code()).isEqualTo(221);
    }

    @Test
    void aBareCodeIsACompleteReply() throws Exception {
        Reply reply = reader("250\r\n").read(MINUTE, false);
        assertThat(reply.code()).isEqualTo(250);
        assertThat(reply.lines()).containsExactly("");
        assertThat(reply.wireLines()).containsExactly("250");
    }

    @Test
    void enhancedStatusCodeIsParsedOnlyWhenAdvertisedAndOfTheSameClass() throws Exception {
        String wire = "535 5.7.8 Authentication credentials invalid\r\n";
        Reply withCodes = reader(wire).read(MINUTE, true);
        assertThat(withCodes.enhanced()).contains("5.7.8");
        assertThat(withCodes.text()).isEqualTo("Authentication credentials invalid");
        assertThat(reader(wire).read(MINUTE, false).enhanced()).isEmpty();
        assertThat(reader("250 5.0.0 mismatched class\r\n").read(MINUTE, true).enhanced()).isEmpty();
    }

    @Test
    void aLineOf512OctetsWithCrlfIsAcceptedAndOneMoreIsAProtocolError() throws Exception {
        String ok = "250 " + "a".repeat(512 - 4 - 2) + "\r\n";
        assertThat(ok).hasSize(512);
        assertThat(reader(ok).read(MINUTE, false).code()).isEqualTo(250);
        String tooLong = "250 " + "a".repeat(512 - 4 - 1) + "\r\n";
        assertThatThrownBy(() -> reader(tooLong).read(MINUTE, false))
                .isInstanceOf(SmtpProtocolException.class).hasMessageContaining("longer than 512 octets");
    }

    @Test
    void linesWithDifferentCodesAreAProtocolError() {
        assertThatThrownBy(() -> reader("250-one\r\n251 two\r\n").read(MINUTE, false))
                .isInstanceOf(SmtpProtocolException.class).hasMessageContaining("different codes");
    }

    @Test
    void malformedLinesAreProtocolErrors() {
        for (String wire : List.of("hello\r\n", "25\r\n", "2500 x\r\n", "150 too low\r\n", "600 too high\r\n",
                "2x0 letters\r\n", "250_underscore\r\n")) {
            assertThatThrownBy(() -> reader(wire).read(MINUTE, false)).as(wire)
                    .isInstanceOf(SmtpProtocolException.class);
        }
    }

    @Test
    void aCloseInTheMiddleOfAReplyIsAProtocolError() {
        assertThatThrownBy(() -> reader("250-first line\r\n250-sec").read(MINUTE, false))
                .isInstanceOf(SmtpProtocolException.class).hasMessageContaining("closed");
    }

    @Test
    void aReplyThatNeverEndsTimesOutAtItsDeadline() {
        // Each read brings one more continuation line and 100 ms pass: the reply as a whole runs out of time.
        InputStream endless = new InputStream() {
            private byte[] line = new byte[0];
            private int position;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (position == line.length) {
                    line = "250-still going\r\n".getBytes(StandardCharsets.US_ASCII);
                    position = 0;
                    fakeNanos.addAndGet(Duration.ofMillis(100).toNanos());
                }
                int n = Math.min(length, line.length - position);
                System.arraycopy(line, position, buffer, offset, n);
                position += n;
                return n;
            }
        };
        assertThatThrownBy(() -> reader(endless).read(Duration.ofSeconds(1), false))
                .isInstanceOf(SmtpTimeoutException.class).hasMessageContaining("timed out after 1 s");
    }

    /** A guard that records what it was armed with and whether it is armed, and can end the read in flight. */
    private static final class RecordingGuard implements ReplyReader.ReadGuard {
        final List<Long> armedWith = new java.util.ArrayList<>();
        boolean armed;
        boolean expired;

        @Override
        public void arm(long nanos) {
            armedWith.add(nanos);
            armed = true;
        }

        @Override
        public void disarm() {
            armed = false;
        }

        @Override
        public boolean expired() {
            return expired;
        }
    }

    @Test
    void eachBlockingReadIsArmedWithTheTimeLeftForItsReplyAndDisarmedAfter() throws Exception {
        RecordingGuard guard = new RecordingGuard();
        InputStream twoReads = new InputStream() {
            private int reads;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                assertThat(guard.armed).as("armed while the read blocks").isTrue();
                byte[] part = (reads++ == 0 ? "250-first\r\n" : "250 second\r\n").getBytes(StandardCharsets.US_ASCII);
                fakeNanos.addAndGet(Duration.ofSeconds(20).toNanos());
                System.arraycopy(part, 0, buffer, offset, part.length);
                return part.length;
            }
        };
        Reply reply = new ReplyReader(twoReads, guard, fakeNanos::get).read(MINUTE, false);
        assertThat(reply.lines()).containsExactly("first", "second");
        // The whole reply has a minute: the second read gets what the first left of it.
        assertThat(guard.armedWith).containsExactly(MINUTE.toNanos(), Duration.ofSeconds(40).toNanos());
        assertThat(guard.armed).isFalse();
    }

    @Test
    void aReadTheGuardEndsIsATimeoutNotALostConnection() {
        RecordingGuard guard = new RecordingGuard();
        InputStream cutShort = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
                // What a blocked socket read throws when the watchdog closes the socket under it.
                guard.expired = true;
                throw new java.net.SocketException("Socket closed");
            }
        };
        assertThatThrownBy(() -> new ReplyReader(cutShort, guard, fakeNanos::get).read(Duration.ofSeconds(1), false))
                .isInstanceOf(SmtpTimeoutException.class).hasMessageContaining("timed out after 1 s");
        assertThat(guard.armed).isFalse();
    }

    @Test
    void aReplyStreamingMoreThanTheLineCapIsAProtocolError() {
        String wire = "250-x\r\n".repeat(ReplyReader.MAX_LINES + 1) + "250 end\r\n";
        assertThatThrownBy(() -> reader(wire).read(MINUTE, false))
                .isInstanceOf(SmtpProtocolException.class).hasMessageContaining("lines");
    }

    @Test
    void bareLfLineEndsAreTolerated() throws Exception {
        assertThat(reader("250-a\n250 b\n").read(MINUTE, false).lines()).containsExactly("a", "b");
    }
}

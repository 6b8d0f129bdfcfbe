package dev.netlab.pingserver.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.MutableClock;
import dev.netlab.pingserver.config.SenderTableConfig;
import dev.netlab.pingserver.senders.SenderTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LabReflectorTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SenderTable table = new SenderTable(new SenderTableConfig(10, Duration.ofSeconds(5)), clock);
    private final AtomicLong lost = new AtomicLong();
    private final LabReflector lab = new LabReflector(table, ZoneOffset.UTC, lost::addAndGet);

    private byte[] reflect(byte[] request) {
        Outcome outcome = lab.reflect(ByteBuffer.wrap(request.clone()), new InetSocketAddress("127.0.0.1", 5),
                clock.instant());
        ByteBuffer reply = ((Outcome.Reply) outcome).reply();
        byte[] bytes = new byte[reply.remaining()];
        reply.get(reply.position(), bytes);
        return bytes;
    }

    @Test
    void asciiLettersAreUpperCasedAndEverythingElseIsKept() {
        byte[] request = {'P', 'i', 'n', 'g', ':', ' ', '1', ' ', 'a', 'z', '{', '`', (byte) 0xE9, (byte) 0xFF, 0, '@'};
        byte[] expected = {'P', 'I', 'N', 'G', ':', ' ', '1', ' ', 'A', 'Z', '{', '`', (byte) 0xE9, (byte) 0xFF, 0,
                '@'};
        assertThat(reflect(request)).isEqualTo(expected);
    }

    @Test
    void everyByteValueMapsLikePythonsBytesUpper() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        byte[] reply = reflect(all);
        assertThat(reply).hasSize(256);
        for (int i = 0; i < 256; i++) {
            int expected = i >= 'a' && i <= 'z' ? i - 32 : i;
            assertThat(reply[i] & 0xFF).as("byte %d", i).isEqualTo(expected);
        }
    }

    @Test
    void anEmptyDatagramGetsAnEmptyReply() {
        assertThat(reflect(new byte[0])).isEmpty();
    }

    @Test
    void pingsFeedTheSenderTable() {
        reflect("Ping: 1 x".getBytes());
        reflect("Ping: 4 x".getBytes());
        assertThat(lost.get()).isEqualTo(2);
        assertThat(table.snapshot().getFirst().lastSeq()).isEqualTo(4L);
    }
}

package dev.netlab.pingserver.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.MutableClock;
import dev.netlab.pingprotocol.ErrorEstimate;
import dev.netlab.pingserver.config.SenderTableConfig;
import dev.netlab.pingserver.config.StampConfig;
import dev.netlab.pingserver.senders.SenderTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StampReflectorTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00.250Z"));
    private final SenderTable table = new SenderTable(new SenderTableConfig(10, Duration.ofSeconds(5)), clock);
    private final ErrorEstimate estimate = ErrorEstimate.atLeast(Duration.ofNanos(1000), false);
    private final InetSocketAddress sender = new InetSocketAddress("127.0.0.1", 4000);

    private StampReflector reflector(boolean stateful) {
        return new StampReflector(new StampConfig(stateful, false), table, clock, estimate, 2048, n -> { });
    }

    private static byte[] sent(Outcome outcome, StampReflector reflector) {
        ByteBuffer reply = ((Outcome.Reply) outcome).reply();
        reflector.beforeSend(reply);
        byte[] bytes = new byte[reply.remaining()];
        reply.get(reply.position(), bytes);
        return bytes;
    }

    @Test
    void aReplyCarriesEveryReflectorField() {
        StampReflector reflector = reflector(true);
        Instant sentAt = clock.instant().minusMillis(3);
        byte[] request = StampPackets.senderPacket(77, StampPackets.ntp(sentAt), 0x8105, new byte[0]);
        Instant received = clock.instant();
        Outcome outcome = reflector.reflect(ByteBuffer.wrap(request), sender, received);
        clock.advance(Duration.ofMillis(1));
        byte[] reply = sent(outcome, reflector);

        assertThat(reply).hasSize(44);
        StampPackets.Reflected r = StampPackets.parse(reply, reply.length);
        assertThat(r.seq()).isZero();
        assertThat(r.senderSeq()).isEqualTo(77);
        assertThat(r.senderTimestamp()).isEqualTo(StampPackets.ntp(sentAt));
        assertThat(r.senderErrorEstimate()).isEqualTo(0x8105);
        assertThat(r.senderTtl()).isEqualTo(255);
        assertThat(r.errorEstimate()).isEqualTo(Short.toUnsignedInt(estimate.bits()));
        assertThat(StampPackets.instant(r.receiveTimestamp())).isCloseTo(received,
                org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MICROS));
        assertThat(StampPackets.instant(r.timestamp())).isCloseTo(received.plusMillis(1),
                org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MICROS));
        assertThat(r.mbz14()).isZero();
        assertThat(r.mbz38()).isZero();
        assertThat(r.mbz41()).isZero();
    }

    @Test
    void paddingIsEchoedAndTheReplyIsAsLongAsTheRequest() {
        StampReflector reflector = reflector(true);
        byte[] padding = new byte[300];
        for (int i = 0; i < padding.length; i++) {
            padding[i] = (byte) (i * 7);
        }
        byte[] request = StampPackets.senderPacket(1, 0, 0, padding);
        byte[] reply = sent(reflector.reflect(ByteBuffer.wrap(request), sender, clock.instant()), reflector);
        assertThat(reply).hasSize(request.length);
        assertThat(StampPackets.parse(reply, reply.length).padding()).isEqualTo(padding);
    }

    @Test
    void aStatefulReflectorCountsPerSender() {
        StampReflector reflector = reflector(true);
        InetSocketAddress other = new InetSocketAddress("127.0.0.1", 4001);
        long[] seqs = new long[4];
        seqs[0] = seqOf(reflector, sender, 10);
        seqs[1] = seqOf(reflector, sender, 12);
        seqs[2] = seqOf(reflector, other, 10);
        seqs[3] = seqOf(reflector, sender, 13);
        assertThat(seqs).containsExactly(0, 1, 0, 2);
    }

    @Test
    void aStatelessReflectorCopiesTheSendersNumber() {
        StampReflector reflector = reflector(false);
        assertThat(seqOf(reflector, sender, 10)).isEqualTo(10);
        assertThat(seqOf(reflector, sender, 0xFFFF_FFF0L)).isEqualTo(0xFFFF_FFF0L);
    }

    @Test
    void shorterThan44BytesIsMalformed() {
        Outcome outcome = reflector(true).reflect(ByteBuffer.wrap(new byte[43]), sender, clock.instant());
        assertThat(outcome).isInstanceOf(Outcome.Malformed.class);
        assertThat(table.size()).as("a malformed packet is no sender's").isZero();
    }

    @Test
    void theSsidOfRfc8972IsCopied() {
        StampReflector reflector = reflector(true);
        byte[] request = StampPackets.senderPacket(1, 0, 0, new byte[0]);
        request[14] = 0x12;
        request[15] = 0x34;
        byte[] reply = sent(reflector.reflect(ByteBuffer.wrap(request), sender, clock.instant()), reflector);
        assertThat(StampPackets.parse(reply, reply.length).mbz14()).isEqualTo(0x1234);
    }

    private long seqOf(StampReflector reflector, InetSocketAddress from, long senderSeq) {
        byte[] request = StampPackets.senderPacket(senderSeq, 0, 0, new byte[0]);
        byte[] reply = sent(reflector.reflect(ByteBuffer.wrap(request), from, clock.instant()), reflector);
        return StampPackets.parse(reply, reply.length).seq();
    }
}

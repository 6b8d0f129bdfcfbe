package dev.netlab.pingprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The layout against RFC 8762's figures, octet by octet. */
class StampPacketTest {

    @Test
    void aSenderPacketHasItsFieldsAtTheRfcsOffsetsAndZerosElsewhere() {
        ByteBuffer p = StampPacket.test(0x01020304L, 0x1112131415161718L, (short) 0x2122, 0x3132, 50);
        byte[] expected = new byte[50];
        byte[] head = {1, 2, 3, 4, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x21, 0x22, 0x31, 0x32};
        System.arraycopy(head, 0, expected, 0, head.length);
        assertThat(p.array()).isEqualTo(expected);
        assertThat(p.position()).isZero();
        assertThat(p.limit()).isEqualTo(50);
    }

    @Test
    void aReflectedPacketCopiesTheSendersFieldsToOctets24To37() {
        ByteBuffer test = StampPacket.test(9, 0x0A0B0C0D0E0F1011L, (short) 0x0102, 0x7777, 44);
        ByteBuffer reply = ByteBuffer.allocate(44);
        reply.put(38, (byte) 0xEE).put(41, (byte) 0xEE);
        StampPacket.reflect(test, reply, 5, (short) 0x8001, 0x5555_6666_7777_8888L, 255);
        StampPacket.putTimestamp(reply, 0, 0x1234_5678_9ABC_DEF0L);
        ByteBuffer r = ByteBuffer.wrap(reply.array());
        assertThat(r.getInt(0)).isEqualTo(5);
        assertThat(r.getLong(4)).isEqualTo(0x1234_5678_9ABC_DEF0L);
        assertThat(r.getShort(12)).isEqualTo((short) 0x8001);
        assertThat(r.getShort(14)).isEqualTo((short) 0x7777);
        assertThat(r.getLong(16)).isEqualTo(0x5555_6666_7777_8888L);
        assertThat(r.getInt(24)).isEqualTo(9);
        assertThat(r.getLong(28)).isEqualTo(0x0A0B0C0D0E0F1011L);
        assertThat(r.getShort(36)).isEqualTo((short) 0x0102);
        assertThat(r.getShort(38)).as("MBZ").isZero();
        assertThat(r.get(40) & 0xFF).isEqualTo(255);
        assertThat(r.get(41)).as("MBZ").isZero();
        assertThat(StampPacket.Reflected.read(r)).isEqualTo(new StampPacket.Reflected(5, 0x1234_5678_9ABC_DEF0L,
                0x7777, 0x5555_6666_7777_8888L, 9, 0x0A0B0C0D0E0F1011L));
    }

    @Test
    void unsignedSequenceNumbersStayPositive() {
        ByteBuffer test = StampPacket.test(0xFFFF_FFFFL, 0, (short) 1, 0, 44);
        assertThat(StampPacket.sequence(test)).isEqualTo(4_294_967_295L);
    }

    @Test
    void errorEstimateBitsAreSZScaleMultiplier() {
        assertThat(new ErrorEstimate(true, 0x3F, 0xFF).bits()).isEqualTo((short) 0xBFFF);
        assertThat(new ErrorEstimate(false, 0, 1).bits()).isEqualTo((short) 0x0001);
        assertThat(ErrorEstimate.atLeast(Duration.ofNanos(1), false)).isEqualTo(new ErrorEstimate(false, 0, 5));
    }

    @Test
    void anEchoProbeIsItsHeaderThenZeros() {
        ByteBuffer p = new EchoProbe(0x0102030405060708L, 3, 99).encode(40);
        assertThat(p.remaining()).isEqualTo(40);
        assertThat(p.getInt(0)).isEqualTo(0x4E4C5043);
        assertThat(EchoProbe.matches(p)).isTrue();
        assertThat(EchoProbe.decode(p)).isEqualTo(new EchoProbe(0x0102030405060708L, 3, 99));
        assertThat(EchoProbe.matches(ByteBuffer.allocate(40))).isFalse();
        assertThat(EchoProbe.matches(ByteBuffer.allocate(10))).isFalse();
    }
}

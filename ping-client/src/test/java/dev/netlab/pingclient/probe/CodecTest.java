package dev.netlab.pingclient.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingprotocol.NtpTimestamp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The three modes' packets, from bytes. */
class CodecTest {

    private static final Instant T = Instant.parse("2021-01-03T16:29:48.196123456Z");

    @Test
    void theLabPayloadIsTheLabsLineAndItsUpperCasedReplyMatches() {
        ProbeCodec codec = ProbeCodec.of(Mode.LAB, 5, 0);
        ProbeCodec.Probe probe = codec.encode(1, T);
        String text = StandardCharsets.US_ASCII.decode(probe.bytes().duplicate()).toString();
        assertThat(text).isEqualTo("Ping: 1 2021-01-03 16:29:48.196123").isEqualTo(probe.text());
        ByteBuffer reply = ByteBuffer.wrap(text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        assertThat(codec.decode(reply)).isEqualTo(new ProbeCodec.Reply(1, probe.nonce(),
                "PING: 1 2021-01-03 16:29:48.196123", null));
    }

    @Test
    void aLargerLabProbeIsPaddedWithSpaces() {
        ProbeCodec.Probe probe = ProbeCodec.of(Mode.LAB, 5, 100).encode(12, T);
        assertThat(probe.bytes().remaining()).isEqualTo(100);
        ByteBuffer back = probe.bytes().duplicate();
        assertThat(ProbeCodec.of(Mode.LAB, 5, 100).decode(back)).isInstanceOf(ProbeCodec.Reply.class);
    }

    @Test
    void labGarbageIsMalformed() {
        ProbeCodec codec = ProbeCodec.of(Mode.LAB, 5, 0);
        assertThat(codec.decode(ByteBuffer.wrap(new byte[] {0, 1, 2}))).isInstanceOf(ProbeCodec.Malformed.class);
        assertThat(codec.decode(ByteBuffer.wrap("PING: x".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(ProbeCodec.Malformed.class);
        assertThat(codec.decode(ByteBuffer.wrap("PING: 1 2021-13-45 99:99:99.000000".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(ProbeCodec.Malformed.class);
    }

    @Test
    void echoProbesCarryTheSessionAndOtherSessionsAreForeign() {
        ProbeCodec ours = ProbeCodec.of(Mode.ECHO, 42, 56);
        ProbeCodec.Probe probe = ours.encode(3, T);
        assertThat(probe.bytes().remaining()).isEqualTo(56);
        assertThat(ours.decode(probe.bytes().duplicate())).isEqualTo(new ProbeCodec.Reply(3, probe.nonce(), "", null));
        assertThat(ProbeCodec.of(Mode.ECHO, 43, 56).decode(probe.bytes().duplicate()))
                .isInstanceOf(ProbeCodec.Foreign.class);
        assertThat(ours.decode(ByteBuffer.allocate(10))).isInstanceOf(ProbeCodec.Malformed.class);
        assertThat(ours.decode(ByteBuffer.allocate(40))).isInstanceOf(ProbeCodec.Malformed.class);
    }

    @Test
    void theStampSenderPacketIsRfc8762s() {
        ProbeCodec.Probe probe = ProbeCodec.of(Mode.STAMP, 0x1234, 44).encode(1, T);
        ByteBuffer b = probe.bytes();
        assertThat(b.remaining()).isEqualTo(44);
        assertThat(b.getInt(0)).as("sequence number starts at 0").isZero();
        assertThat(b.getLong(4)).isEqualTo(NtpTimestamp.of(T)).isEqualTo(probe.nonce());
        assertThat(b.getShort(12)).as("error estimate: S=0 Z=0 scale 0 multiplier 1").isEqualTo((short) 1);
        assertThat(b.getShort(14)).as("SSID (RFC 8972)").isEqualTo((short) 0x1234);
        for (int i = 16; i < 44; i++) {
            assertThat(b.get(i)).as("MBZ octet %d", i).isZero();
        }
        assertThat(NtpTimestamp.toEpochNanos(NtpTimestamp.of(T))).isCloseTo(NtpTimestamp.epochNanos(T),
                org.assertj.core.data.Offset.offset(1L));
    }

    @Test
    void aStampReflectorPacketIsReadAtItsOffsets() {
        ByteBuffer reply = ByteBuffer.allocate(44);
        reply.putInt(7).putLong(1000L).putShort((short) 1).putShort((short) 0).putLong(900L)
                .putInt(4).putLong(555L).putShort((short) 1).putShort((short) 0).put((byte) 64);
        ProbeCodec.Decoded decoded = ProbeCodec.of(Mode.STAMP, 0x1234, 44).decode(reply.position(0));
        assertThat(decoded).isEqualTo(new ProbeCodec.Reply(5, 555L, "", new StampTimes(7, 900L, 1000L)));
    }

    @Test
    void aStampReplyOfAnotherSsidIsForeignAndAShortOneMalformed() {
        ByteBuffer reply = ByteBuffer.allocate(44);
        reply.putShort(14, (short) 0x999);
        assertThat(ProbeCodec.of(Mode.STAMP, 0x1234, 44).decode(reply)).isInstanceOf(ProbeCodec.Foreign.class);
        assertThat(ProbeCodec.of(Mode.STAMP, 0x1234, 44).decode(ByteBuffer.allocate(43)))
                .isEqualTo(new ProbeCodec.Malformed("truncated STAMP reply of 43 bytes (at least 44 expected)"));
    }

    @Test
    void targetsAreParsedAsPingWritesThem() {
        assertThat(TargetAddress.parse("example.org", 12000)).isEqualTo(new TargetAddress("example.org", 12000));
        assertThat(TargetAddress.parse("10.0.0.1:7", 12000)).isEqualTo(new TargetAddress("10.0.0.1", 7));
        assertThat(TargetAddress.parse("[::1]:8620", 1)).isEqualTo(new TargetAddress("::1", 8620));
        assertThat(TargetAddress.parse("[::1]", 7007)).isEqualTo(new TargetAddress("::1", 7007));
        assertThat(TargetAddress.parse("fe80::1", 7007)).isEqualTo(new TargetAddress("fe80::1", 7007));
        assertThatThrownBy(() -> TargetAddress.parse("host:0", 1)).hasMessageContaining("bad port '0'");
        assertThatThrownBy(() -> TargetAddress.parse("host:x", 1)).hasMessageContaining("bad port 'x'");
        assertThatThrownBy(() -> TargetAddress.parse("[::1", 1)).hasMessageContaining("bad IPv6 target");
        assertThatThrownBy(() -> TargetAddress.parse(":80", 1)).hasMessageContaining("no host");
        assertThatThrownBy(() -> TargetAddress.parse(" ", 1)).hasMessageContaining("empty target");
    }

    @Test
    void ipv6AddressLabelsAreWrittenAsRfc5952Says() throws Exception {
        assertThat(label("::1")).isEqualTo("[::1]:7");
        assertThat(label("::")).isEqualTo("[::]:7");
        assertThat(label("2001:db8:0:0:1:0:0:1")).isEqualTo("[2001:db8::1:0:0:1]:7");
        assertThat(label("2001:0db8:0000:0000:0000:0000:0002:0001")).isEqualTo("[2001:db8::2:1]:7");
        assertThat(label("2001:db8:0:1:1:1:1:1")).isEqualTo("[2001:db8:0:1:1:1:1:1]:7");
        assertThat(label("fe80:0:0:0:0:0:0:0")).isEqualTo("[fe80::]:7");
        assertThat(label("10.0.0.1")).isEqualTo("10.0.0.1:7");
    }

    private static String label(String address) throws Exception {
        return StreamSpec.label(new java.net.InetSocketAddress(java.net.InetAddress.getByName(address), 7));
    }
}

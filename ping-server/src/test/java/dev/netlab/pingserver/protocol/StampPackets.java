package dev.netlab.pingserver.protocol;

import dev.netlab.pingprotocol.ErrorEstimate;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A STAMP session-sender for tests, written from RFC 8762 section 4.2.1 (not from our reflector): sender packets
 * out, reflector packets parsed field by field.
 */
public final class StampPackets {

    /** The reflector's reply, RFC 8762 section 4.3.1 (unauthenticated). */
    public record Reflected(long seq, long timestamp, int errorEstimate, int mbz14, long receiveTimestamp,
                            long senderSeq, long senderTimestamp, int senderErrorEstimate, int mbz38,
                            int senderTtl, int mbz41, byte[] padding) {
    }

    private StampPackets() {
    }

    /** Seconds between 1900 and 1970, for NTP timestamps written independently of the code under test. */
    private static final long NTP_1970 = 2_208_988_800L;

    public static long ntp(Instant instant) {
        long fraction = (long) (instant.getNano() / 1e9 * 4_294_967_296.0);
        return ((instant.getEpochSecond() + NTP_1970) << 32) | fraction;
    }

    public static Instant instant(long ntp) {
        long seconds = (ntp >>> 32) - NTP_1970;
        long nanos = (long) ((ntp & 0xFFFF_FFFFL) / 4_294_967_296.0 * 1e9);
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /**
     * A sender test packet: sequence number (4), timestamp (8), error estimate (2), MBZ (30), then padding.
     */
    public static byte[] senderPacket(long seq, long timestamp, int errorEstimate, byte[] padding) {
        ByteBuffer b = ByteBuffer.allocate(44 + padding.length);
        b.putInt((int) seq);
        b.putLong(timestamp);
        b.putShort((short) errorEstimate);
        b.put(new byte[30]);
        b.put(padding);
        return b.array();
    }

    /** Parses a reflector packet of at least 44 bytes. */
    public static Reflected parse(byte[] packet, int length) {
        ByteBuffer b = ByteBuffer.wrap(packet, 0, length);
        long seq = Integer.toUnsignedLong(b.getInt());
        long timestamp = b.getLong();
        int err = Short.toUnsignedInt(b.getShort());
        int mbz14 = Short.toUnsignedInt(b.getShort());
        long receive = b.getLong();
        long senderSeq = Integer.toUnsignedLong(b.getInt());
        long senderTs = b.getLong();
        int senderErr = Short.toUnsignedInt(b.getShort());
        int mbz38 = Short.toUnsignedInt(b.getShort());
        int ttl = Byte.toUnsignedInt(b.get());
        int mbz41 = (Byte.toUnsignedInt(b.get()) << 16) | Short.toUnsignedInt(b.getShort());
        byte[] padding = new byte[length - 44];
        b.get(padding);
        return new Reflected(seq, timestamp, err, mbz14, receive, senderSeq, senderTs, senderErr, mbz38, ttl, mbz41,
                padding);
    }
}

package dev.netlab.pingprotocol;

import java.nio.ByteBuffer;

/**
 * RFC 8762 STAMP packets in unauthenticated mode, both 44 octets (longer ones carry padding). Offsets are from the
 * packet's first octet; every field is big-endian; MBZ octets must be zero.
 * <pre>
 * Session-Sender test packet (section 4.2.1):
 *  0 sequence number (4)   4 timestamp (8)   12 error estimate (2)   14 MBZ (30; RFC 8972 puts an SSID in 14-15)
 * Session-Reflector test packet (section 4.3.1):
 *  0 sequence number (4)        4 timestamp (8, when sent)       12 error estimate (2)     14 SSID (2)
 * 16 receive timestamp (8)     24 sender sequence number (4)    28 sender timestamp (8)
 * 36 sender error estimate (2) 38 MBZ (2)  40 sender TTL (1)  41 MBZ (3)
 * </pre>
 */
public final class StampPacket {

    /** Both packets' length without padding. */
    public static final int LENGTH = 44;

    public static final int SEQUENCE = 0;
    public static final int TIMESTAMP = 4;
    public static final int ERROR_ESTIMATE = 12;
    public static final int SSID = 14;
    public static final int RECEIVE_TIMESTAMP = 16;
    public static final int SENDER_SEQUENCE = 24;
    public static final int SENDER_TIMESTAMP = 28;
    public static final int SENDER_ERROR_ESTIMATE = 36;
    public static final int SENDER_TTL = 40;

    private StampPacket() {
    }

    /**
     * A Session-Sender test packet of {@code size} octets (at least 44), zero-padded.
     *
     * @param seq           the sender's sequence number (from 0)
     * @param timestamp     the NTP time of sending
     * @param errorEstimate RFC 4656's error estimate of the sender's clock
     * @param ssid          the session id (RFC 8972), 0 for none
     */
    public static ByteBuffer test(long seq, long timestamp, short errorEstimate, int ssid, int size) {
        ByteBuffer packet = ByteBuffer.allocate(Math.max(size, LENGTH));
        packet.putInt(SEQUENCE, (int) seq);
        packet.putLong(TIMESTAMP, timestamp);
        packet.putShort(ERROR_ESTIMATE, errorEstimate);
        packet.putShort(SSID, (short) ssid);
        return packet;
    }

    /**
     * Writes the 44 octets of the reflector's answer to {@code test} into {@code reply} at index 0, the transmit
     * timestamp left zero for {@link #putTimestamp} just before sending; the caller copies any padding.
     */
    public static void reflect(ByteBuffer test, ByteBuffer reply, long seq, short errorEstimate,
                               long receiveTimestamp, int senderTtl) {
        int at = test.position();
        reply.putInt(SEQUENCE, (int) seq);
        reply.putLong(TIMESTAMP, 0);
        reply.putShort(ERROR_ESTIMATE, errorEstimate);
        reply.putShort(SSID, test.getShort(at + SSID));
        reply.putLong(RECEIVE_TIMESTAMP, receiveTimestamp);
        reply.putInt(SENDER_SEQUENCE, test.getInt(at + SEQUENCE));
        reply.putLong(SENDER_TIMESTAMP, test.getLong(at + TIMESTAMP));
        reply.putShort(SENDER_ERROR_ESTIMATE, test.getShort(at + ERROR_ESTIMATE));
        reply.putShort(SENDER_ERROR_ESTIMATE + 2, (short) 0);
        reply.putInt(SENDER_TTL, (senderTtl & 0xFF) << 24);
    }

    /** Sets the timestamp of the packet that starts at {@code start} (the reflector's transmit time). */
    public static void putTimestamp(ByteBuffer packet, int start, long timestamp) {
        packet.putLong(start + TIMESTAMP, timestamp);
    }

    /** The sequence number of the packet at {@code packet}'s position, unsigned. */
    public static long sequence(ByteBuffer packet) {
        return Integer.toUnsignedLong(packet.getInt(packet.position() + SEQUENCE));
    }

    /** The timestamp of the packet at {@code packet}'s position. */
    public static long timestamp(ByteBuffer packet) {
        return packet.getLong(packet.position() + TIMESTAMP);
    }

    /**
     * What a reflector's packet says, read at {@code packet}'s position (at least 44 octets).
     *
     * @param seq              the reflector's sequence number
     * @param transmit         when the reflector sent it
     * @param ssid             the session id it copied, 0 when it copies none
     * @param receive          when the reflector received our packet
     * @param senderSeq        our sequence number
     * @param senderTimestamp  our timestamp
     */
    public record Reflected(long seq, long transmit, int ssid, long receive, long senderSeq, long senderTimestamp) {

        public static Reflected read(ByteBuffer packet) {
            int at = packet.position();
            return new Reflected(Integer.toUnsignedLong(packet.getInt(at + SEQUENCE)), packet.getLong(at + TIMESTAMP),
                    Short.toUnsignedInt(packet.getShort(at + SSID)), packet.getLong(at + RECEIVE_TIMESTAMP),
                    Integer.toUnsignedLong(packet.getInt(at + SENDER_SEQUENCE)), packet.getLong(at + SENDER_TIMESTAMP));
        }
    }
}

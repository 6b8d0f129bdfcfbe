package dev.netlab.pingprotocol;

import java.nio.ByteBuffer;

/**
 * Our probe inside an RFC 862 echo datagram (which the reflector returns unchanged): magic {@code NLPC}, the run's
 * session id, the sequence number and the nonce, big-endian, then zero padding up to the probe's size.
 *
 * @param session the run that sent it
 * @param seq     the sequence number
 * @param nonce   what only this probe of this run carries
 */
public record EchoProbe(long session, long seq, long nonce) {

    /** {@code "NLPC"} in ASCII. */
    public static final int MAGIC = 0x4E4C5043;
    /** The header's length: magic, session, sequence number, nonce. */
    public static final int HEADER = 4 + 8 + 8 + 8;

    /** This probe, zero-padded to {@code size} bytes (at least the header), ready to send. */
    public ByteBuffer encode(int size) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.max(size, HEADER));
        bytes.putInt(MAGIC).putLong(session).putLong(seq).putLong(nonce);
        return bytes.position(0);
    }

    /** Whether {@code datagram} (position to limit) is long enough and starts with the magic. */
    public static boolean matches(ByteBuffer datagram) {
        return datagram.remaining() >= HEADER && datagram.getInt(datagram.position()) == MAGIC;
    }

    /** The probe in {@code datagram}; call {@link #matches} first. */
    public static EchoProbe decode(ByteBuffer datagram) {
        int at = datagram.position();
        return new EchoProbe(datagram.getLong(at + 4), datagram.getLong(at + 12), datagram.getLong(at + 20));
    }
}

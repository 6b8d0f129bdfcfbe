package dev.netlab.pingclient.probe;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * RFC 8762 STAMP in unauthenticated mode. The Session-Sender packet (section 4.2.1) is 44 octets: sequence number,
 * timestamp, error estimate, then must-be-zero; we put the session id in octets 14-15 as RFC 8972's SSID does. The
 * Session-Reflector packet (section 4.3.1) echoes our sequence number, timestamp and error estimate at octets 24-37
 * and adds its own sequence number and receive and transmit timestamps. Our timestamp is the nonce.
 */
public final class StampCodec implements ProbeCodec {

    /** Both packets' length in unauthenticated mode. */
    static final int PACKET = 44;
    /** S=0 (no external synchronisation), Z=0 (NTP format), scale 0, multiplier 1 (RFC 4656 forbids 0). */
    static final short ERROR_ESTIMATE = 0x0001;

    private final int ssid;
    private final int size;

    StampCodec(int ssid, int size) {
        this.ssid = ssid;
        this.size = size;
    }

    @Override
    public int minimumSize() {
        return PACKET;
    }

    /** The wire sequence number starts at 0 (RFC 8762); ours start at 1, as ping's do. */
    @Override
    public Probe encode(long seq, Instant sentAt) {
        long timestamp = Ntp.fromInstant(sentAt);
        ByteBuffer bytes = ByteBuffer.allocate(Math.max(size, PACKET));
        bytes.putInt((int) (seq - 1)).putLong(timestamp).putShort(ERROR_ESTIMATE).putShort((short) ssid);
        return new Probe(bytes.position(0), timestamp, "");
    }

    @Override
    public Decoded decode(ByteBuffer datagram) {
        if (datagram.remaining() < PACKET) {
            return new Malformed("truncated STAMP reply of " + datagram.remaining() + " bytes (at least 44 expected)");
        }
        int base = datagram.position();
        long reflectorSeq = Integer.toUnsignedLong(datagram.getInt(base));
        long transmit = datagram.getLong(base + 4);
        int replySsid = Short.toUnsignedInt(datagram.getShort(base + 14));
        long receive = datagram.getLong(base + 16);
        long senderSeq = Integer.toUnsignedLong(datagram.getInt(base + 24));
        long senderTimestamp = datagram.getLong(base + 28);
        // A plain RFC 8762 reflector leaves the SSID octets zero; one that copies them must copy ours.
        if (replySsid != 0 && replySsid != ssid) {
            return new Foreign("STAMP reply of another session (SSID " + replySsid + ")");
        }
        return new Reply(senderSeq + 1, senderTimestamp, "", new StampTimes(reflectorSeq, receive, transmit));
    }
}

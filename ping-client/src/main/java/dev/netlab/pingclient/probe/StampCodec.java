package dev.netlab.pingclient.probe;

import dev.netlab.pingprotocol.ErrorEstimate;
import dev.netlab.pingprotocol.NtpTimestamp;
import dev.netlab.pingprotocol.StampPacket;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * RFC 8762 STAMP in unauthenticated mode ({@link StampPacket} has the layout). We put the session id in octets 14-15
 * as RFC 8972's SSID does; a reflector echoes our sequence number, timestamp and error estimate and adds its own
 * sequence number and receive and transmit timestamps. Our timestamp is the nonce.
 */
public final class StampCodec implements ProbeCodec {

    /** S=0 (no external synchronisation), Z=0 (NTP format), scale 0, multiplier 1 (RFC 4656 forbids 0). */
    static final short ERROR_ESTIMATE = new ErrorEstimate(false, 0, 1).bits();

    private final int ssid;
    private final int size;

    StampCodec(int ssid, int size) {
        this.ssid = ssid;
        this.size = size;
    }

    @Override
    public int minimumSize() {
        return StampPacket.LENGTH;
    }

    /** The wire sequence number starts at 0 (RFC 8762); ours start at 1, as ping's do. */
    @Override
    public Probe encode(long seq, Instant sentAt) {
        long timestamp = NtpTimestamp.of(sentAt);
        return new Probe(StampPacket.test(seq - 1, timestamp, ERROR_ESTIMATE, ssid, size), timestamp, "");
    }

    @Override
    public Decoded decode(ByteBuffer datagram) {
        if (datagram.remaining() < StampPacket.LENGTH) {
            return new Malformed("truncated STAMP reply of " + datagram.remaining() + " bytes (at least 44 expected)");
        }
        StampPacket.Reflected reply = StampPacket.Reflected.read(datagram);
        // A plain RFC 8762 reflector leaves the SSID octets zero; one that copies them must copy ours.
        if (reply.ssid() != 0 && reply.ssid() != ssid) {
            return new Foreign("STAMP reply of another session (SSID " + reply.ssid() + ")");
        }
        return new Reply(reply.senderSeq() + 1, reply.senderTimestamp(), "",
                new StampTimes(reply.seq(), reply.receive(), reply.transmit()));
    }
}

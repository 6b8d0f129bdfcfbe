package dev.netlab.pingclient.probe;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * RFC 862 echo: any payload comes back unchanged, so the probe carries its own header: magic {@code NLPC}, the run's
 * session id, the sequence number and the nonce (wall time in microseconds), then zero padding up to the size.
 */
public final class EchoCodec implements ProbeCodec {

    static final int MAGIC = 0x4E4C5043; // "NLPC"
    static final int HEADER = 4 + 8 + 8 + 8;

    private final long session;
    private final int size;

    EchoCodec(long session, int size) {
        this.session = session;
        this.size = size;
    }

    @Override
    public int minimumSize() {
        return HEADER;
    }

    @Override
    public Probe encode(long seq, Instant sentAt) {
        long nonce = sentAt.getEpochSecond() * 1_000_000L + sentAt.getNano() / 1_000;
        ByteBuffer bytes = ByteBuffer.allocate(Math.max(size, HEADER));
        bytes.putInt(MAGIC).putLong(session).putLong(seq).putLong(nonce);
        return new Probe(bytes.position(0), nonce, "");
    }

    @Override
    public Decoded decode(ByteBuffer datagram) {
        if (datagram.remaining() < HEADER) {
            return new Malformed("echo reply of " + datagram.remaining() + " bytes, shorter than the probe header");
        }
        if (datagram.getInt() != MAGIC) {
            return new Malformed("echo reply without the probe header");
        }
        if (datagram.getLong() != session) {
            return new Foreign("echo reply of another session");
        }
        long seq = datagram.getLong();
        long nonce = datagram.getLong();
        return new Reply(seq, nonce, "", null);
    }
}

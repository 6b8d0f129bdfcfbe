package dev.netlab.pingclient.probe;

import dev.netlab.pingprotocol.EchoProbe;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * RFC 862 echo: any payload comes back unchanged, so the probe carries its own header ({@link EchoProbe}): the run's
 * session id, the sequence number and the nonce (wall time in microseconds), then zero padding up to the size.
 */
public final class EchoCodec implements ProbeCodec {

    private final long session;
    private final int size;

    EchoCodec(long session, int size) {
        this.session = session;
        this.size = size;
    }

    @Override
    public int minimumSize() {
        return EchoProbe.HEADER;
    }

    @Override
    public Probe encode(long seq, Instant sentAt) {
        long nonce = sentAt.getEpochSecond() * 1_000_000L + sentAt.getNano() / 1_000;
        return new Probe(new EchoProbe(session, seq, nonce).encode(size), nonce, "");
    }

    @Override
    public Decoded decode(ByteBuffer datagram) {
        if (datagram.remaining() < EchoProbe.HEADER) {
            return new Malformed("echo reply of " + datagram.remaining() + " bytes, shorter than the probe header");
        }
        if (!EchoProbe.matches(datagram)) {
            return new Malformed("echo reply without the probe header");
        }
        EchoProbe probe = EchoProbe.decode(datagram);
        if (probe.session() != session) {
            return new Foreign("echo reply of another session");
        }
        return new Reply(probe.seq(), probe.nonce(), "", null);
    }
}

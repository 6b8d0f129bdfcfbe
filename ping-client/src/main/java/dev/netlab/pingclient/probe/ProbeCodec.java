package dev.netlab.pingclient.probe;

import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingprotocol.StampPacket;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Writes probes and reads replies of one mode. A probe carries a nonce that only this probe of this run has; the
 * tracker compares a reply's nonce with the one sent under that sequence number, so a reply of another run (or a
 * forged one) is never credited.
 */
public sealed interface ProbeCodec permits LabCodec, EchoCodec, StampCodec {

    /** The codec for one run of {@code mode}; {@code session} tells this run's replies from any other's. */
    static ProbeCodec of(Mode mode, long session, int size) {
        return switch (mode) {
            case LAB -> new LabCodec(size);
            case ECHO -> new EchoCodec(session, size);
            case STAMP -> new StampCodec((int) (session & 0xFFFF) == 0 ? 1 : (int) (session & 0xFFFF), size);
        };
    }

    /** The smallest payload {@code mode} sends. */
    static int minimumSize(Mode mode) {
        return of(mode, 1, 0).minimumSize();
    }

    /** The payload size when none is asked for: the lab line's own (0), ping's 56 for echo, STAMP's 44. */
    static int defaultSize(Mode mode) {
        return switch (mode) {
            case LAB -> 0;
            case ECHO -> 56;
            case STAMP -> StampPacket.LENGTH;
        };
    }

    /** The smallest payload this mode sends. */
    int minimumSize();

    /** The probe with sequence number {@code seq}, sent at wall time {@code sentAt}. */
    Probe encode(long seq, Instant sentAt);

    /** What a datagram received from the target is. */
    Decoded decode(ByteBuffer datagram);

    /**
     * An encoded probe.
     *
     * @param bytes the datagram to send
     * @param nonce what its reply must echo
     * @param text  the payload as the lab prints it (empty for binary modes)
     */
    record Probe(ByteBuffer bytes, long nonce, String text) {
    }

    /** A datagram read back: a reply to some probe, or not. */
    sealed interface Decoded permits Reply, Malformed, Foreign {
    }

    /**
     * A well-formed reply.
     *
     * @param seq   the sequence number of the probe it answers
     * @param nonce the probe's nonce as echoed
     * @param text  the reply as the lab prints it (empty for binary modes)
     * @param stamp the reflector's timestamps (STAMP mode), or null
     */
    record Reply(long seq, long nonce, String text, StampTimes stamp) implements Decoded {
    }

    /** Not a reply of this mode at all: garbage, truncated. */
    record Malformed(String reason) implements Decoded {
    }

    /** A well-formed reply that belongs to another session. */
    record Foreign(String reason) implements Decoded {
    }
}

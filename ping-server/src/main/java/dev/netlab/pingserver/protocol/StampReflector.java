package dev.netlab.pingserver.protocol;

import dev.netlab.pingserver.config.Mode;
import dev.netlab.pingserver.config.StampConfig;
import dev.netlab.pingserver.senders.SenderTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * RFC 8762 session-reflector, unauthenticated mode. The sender's test packet (at least 44 bytes):
 * <pre>
 *  0 sequence number (4)   4 timestamp (8)   12 error estimate (2)   14 MBZ (30; RFC 8972 puts an SSID in 14-15)
 * </pre>
 * The reply, as long as the request (bytes from 44 on are the sender's padding, copied):
 * <pre>
 *  0 sequence number (4)        4 timestamp (8, when sent)       12 error estimate (2)     14 SSID copy (2)
 * 16 receive timestamp (8)     24 sender sequence number (4)    28 sender timestamp (8)
 * 36 sender error estimate (2) 38 MBZ (2)  40 sender TTL (1; 255: the JDK cannot read it)  41 MBZ (3)
 * </pre>
 */
public final class StampReflector implements Reflector {

    /** The smallest test packet in unauthenticated mode. */
    public static final int MIN_LENGTH = 44;

    /** What we put in the sender-TTL field: a DatagramChannel cannot read the received TTL. */
    static final byte UNKNOWN_TTL = (byte) 255;

    private final StampConfig config;
    private final SenderTable senders;
    private final Clock clock;
    private final short errorEstimate;
    private final LongConsumer forwardLost;
    private final ByteBuffer reply;

    public StampReflector(StampConfig config, SenderTable senders, Clock clock, ErrorEstimate errorEstimate,
                          int maxDatagram, LongConsumer forwardLost) {
        this.config = config;
        this.senders = senders;
        this.clock = clock;
        this.errorEstimate = errorEstimate.bits();
        this.forwardLost = forwardLost;
        this.reply = ByteBuffer.allocateDirect(Math.max(maxDatagram, MIN_LENGTH));
    }

    @Override
    public Outcome reflect(ByteBuffer request, InetSocketAddress from, Instant received) {
        int length = request.remaining();
        if (length < MIN_LENGTH) {
            return new Outcome.Malformed("STAMP test packet of " + length + " bytes, at least " + MIN_LENGTH);
        }
        long senderSeq = Integer.toUnsignedLong(request.getInt(0));
        long senderTimestamp = request.getLong(4);
        var seen = senders.observe(Mode.STAMP, from, senderSeq, NtpTime.toInstant(senderTimestamp), received);
        forwardLost.accept(seen.newlyLost());
        long reflectorSeq = config.stateful() ? seen.reflectorSeq() : senderSeq;
        reply.clear();
        reply.putInt(0, (int) reflectorSeq);
        reply.putLong(4, 0); // the transmit timestamp is written by beforeSend
        reply.putShort(12, errorEstimate);
        reply.putShort(14, request.getShort(14));
        reply.putLong(16, NtpTime.of(received));
        reply.putInt(24, (int) senderSeq);
        reply.putLong(28, senderTimestamp);
        reply.putShort(36, request.getShort(12));
        reply.putShort(38, (short) 0);
        reply.putInt(40, (UNKNOWN_TTL & 0xFF) << 24);
        reply.put(MIN_LENGTH, request, MIN_LENGTH, length - MIN_LENGTH);
        reply.limit(length);
        return new Outcome.Reply(reply);
    }

    @Override
    public void beforeSend(ByteBuffer reply) {
        reply.putLong(reply.position() + 4, NtpTime.of(clock.instant()));
    }
}

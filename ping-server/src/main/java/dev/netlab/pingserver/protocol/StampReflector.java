package dev.netlab.pingserver.protocol;

import dev.netlab.pingprotocol.ErrorEstimate;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingprotocol.NtpTimestamp;
import dev.netlab.pingprotocol.StampPacket;
import dev.netlab.pingserver.config.StampConfig;
import dev.netlab.pingserver.senders.SenderTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * RFC 8762 session-reflector, unauthenticated mode ({@link StampPacket} has the layout). The reply is as long as the
 * request: octets from 44 on are the sender's padding, copied.
 */
public final class StampReflector implements Reflector {

    /** The smallest test packet in unauthenticated mode. */
    public static final int MIN_LENGTH = StampPacket.LENGTH;

    /** What we put in the sender-TTL field: a DatagramChannel cannot read the received TTL. */
    static final int UNKNOWN_TTL = 255;

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
        long senderSeq = StampPacket.sequence(request);
        long senderTimestamp = StampPacket.timestamp(request);
        // A sender that leaves its timestamp zero did not set it.
        Instant sentAt = senderTimestamp == 0 ? null : NtpTimestamp.toInstant(senderTimestamp);
        var seen = senders.observe(Mode.STAMP, from, senderSeq, sentAt, received);
        forwardLost.accept(seen.newlyLost());
        long reflectorSeq = config.stateful() ? seen.reflectorSeq() : senderSeq;
        reply.clear();
        StampPacket.reflect(request, reply, reflectorSeq, errorEstimate, NtpTimestamp.of(received), UNKNOWN_TTL);
        reply.put(MIN_LENGTH, request, request.position() + MIN_LENGTH, length - MIN_LENGTH);
        reply.limit(length);
        return new Outcome.Reply(reply);
    }

    @Override
    public void beforeSend(ByteBuffer reply) {
        StampPacket.putTimestamp(reply, reply.position(), NtpTimestamp.of(clock.instant()));
    }
}

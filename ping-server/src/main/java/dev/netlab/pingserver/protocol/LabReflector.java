package dev.netlab.pingserver.protocol;

import dev.netlab.pingprotocol.LabPing;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.senders.SenderTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.util.function.LongConsumer;

/**
 * The lab's server: the reply is the datagram with ASCII letters upper-cased (Python's {@code bytes.upper()}),
 * every other byte unchanged, same length, whatever the text says. Pings in the lab's format feed the sender table.
 */
public final class LabReflector implements Reflector {

    private final SenderTable senders;
    private final ZoneId zone;
    private final LongConsumer forwardLost;

    public LabReflector(SenderTable senders, ZoneId zone, LongConsumer forwardLost) {
        this.senders = senders;
        this.zone = zone;
        this.forwardLost = forwardLost;
    }

    @Override
    public Outcome reflect(ByteBuffer request, InetSocketAddress from, Instant received) {
        LabPing ping = LabPing.parse(request, zone);
        var seen = senders.observe(Mode.LAB, from, ping == null ? -1 : ping.seq(),
                ping == null ? null : ping.sentAt(), received);
        forwardLost.accept(seen.newlyLost());
        upperCase(request);
        return new Outcome.Reply(request);
    }

    /** Upper-cases ASCII letters in place. */
    static void upperCase(ByteBuffer buffer) {
        for (int i = buffer.position(), end = buffer.limit(); i < end; i++) {
            byte b = buffer.get(i);
            if (b >= 'a' && b <= 'z') {
                buffer.put(i, (byte) (b - 32));
            }
        }
    }
}

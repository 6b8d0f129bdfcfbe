package dev.netlab.pingserver.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;

/** RFC 862: the reply is the datagram, byte for byte. */
public final class EchoReflector implements Reflector {

    @Override
    public boolean usesReceiveTime() {
        return false;
    }

    @Override
    public Outcome reflect(ByteBuffer request, InetSocketAddress from, Instant received) {
        return new Outcome.Reply(request);
    }
}

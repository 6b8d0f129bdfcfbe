package dev.netlab.pingserver.protocol;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;

/** One listener's protocol: turns a request into a reply. Called by that listener's receive thread only. */
public interface Reflector {

    /**
     * Reflects {@code request} (position 0, limit = its length; it may be changed in place).
     *
     * @param from     the sender
     * @param received when the datagram was read
     */
    Outcome reflect(ByteBuffer request, InetSocketAddress from, Instant received);

    /** Whether {@link #reflect} reads its {@code received} time (echo does not, and saves a clock read). */
    default boolean usesReceiveTime() {
        return true;
    }

    /** Fills in what depends on the moment of sending (STAMP's transmit timestamp) just before each send. */
    default void beforeSend(ByteBuffer reply) {
    }
}

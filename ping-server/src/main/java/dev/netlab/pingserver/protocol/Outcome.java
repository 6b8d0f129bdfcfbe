package dev.netlab.pingserver.protocol;

import java.nio.ByteBuffer;

/** What a reflector makes of one datagram. */
public sealed interface Outcome {

    /** Answer with {@code reply} (position 0, limit = its length, never more than the request's length). */
    record Reply(ByteBuffer reply) implements Outcome {
    }

    /** Not a valid request: counted as malformed, never answered. */
    record Malformed(String reason) implements Outcome {
    }
}

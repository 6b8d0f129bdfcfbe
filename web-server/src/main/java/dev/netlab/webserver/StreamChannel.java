package dev.netlab.webserver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A blocking channel over an output stream (a TLS socket's): each write sends at most 64 KiB, so the connection's
 * send timeout restarts per piece. Not thread-safe: one per connection.
 */
final class StreamChannel implements WritableByteChannel {

    private static final int PIECE = 64 * 1024;

    private final OutputStream out;
    private byte[] copy;
    private boolean open = true;

    StreamChannel(OutputStream out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        int length = Math.min(source.remaining(), PIECE);
        if (source.hasArray()) {
            out.write(source.array(), source.arrayOffset() + source.position(), length);
        } else {
            if (copy == null || copy.length < length) {
                copy = new byte[Math.max(length, 16 * 1024)];
            }
            source.get(source.position(), copy, 0, length);
            out.write(copy, 0, length);
        }
        source.position(source.position() + length);
        return length;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}

package dev.netlab.mailclient.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A TCP port that refuses every connection, on every local address, for as long as this is open: a socket bound to it
 * on the wildcard address that never listens. Unlike a port found by binding and closing, no other socket can take it
 * in the meantime (the holder has no SO_REUSEADDR), and the kernel never picks it for an outgoing connection (which
 * would connect to itself).
 */
public final class RefusingPort implements AutoCloseable {

    private final Socket holder;

    private RefusingPort(Socket holder) {
        this.holder = holder;
    }

    /** Binds a fresh port without listening on it. */
    public static RefusingPort open() {
        Socket holder = new Socket();
        try {
            holder.setReuseAddress(false);
            holder.bind(new InetSocketAddress(0));
            return new RefusingPort(holder);
        } catch (IOException e) {
            try {
                holder.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return holder.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        holder.close();
    }
}

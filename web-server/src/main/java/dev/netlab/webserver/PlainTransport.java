package dev.netlab.webserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A plain TCP connection: reads through its socket, writes (and sendfile) on its channel. */
record PlainTransport(SocketChannel channel) implements Transport {

    private static final Logger LOG = Logger.getLogger(PlainTransport.class.getName());
    /** Nothing to send: a write of it makes no system call and is never changed, so all connections share it. */
    private static final ByteBuffer NOTHING = ByteBuffer.allocateDirect(0);

    @Override
    public Socket open(long deadline) throws IOException {
        Socket socket = channel.socket();
        socket.setTcpNoDelay(true);
        // The JDK puts a virtual thread's socket in non-blocking mode for good at its first untimed read or write;
        // until then every timed read switches it to non-blocking and back (four fcntl calls, each request of a
        // Connection: close client). An empty write does it now, without a system call of its own.
        channel.write(NOTHING);
        return socket;
    }

    @Override
    public boolean waitsUntimed() {
        return true;
    }

    @Override
    public int readNow(byte[] buffer, int offset, int length) throws IOException {
        // The socket is non-blocking underneath for good (open): switching the channel's mode makes no system call.
        channel.configureBlocking(false);
        try {
            return channel.read(ByteBuffer.wrap(buffer, offset, length));
        } finally {
            channel.configureBlocking(true);
        }
    }

    @Override
    public void endWait() throws IOException {
        // The JDK wakes a virtual thread parked in a read of this socket, and the read returns the end of the stream.
        channel.shutdownInput();
    }

    @Override
    public WritableByteChannel output() {
        return channel;
    }

    @Override
    public boolean directOutput() {
        return true;
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void endBeforeClose() {
        // Nothing: the close sends the FIN, and nothing unread is left to turn it into a reset.
    }

    @Override
    public void abort() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINEST, "close failed", e);
        }
    }

    @Override
    public InetAddress remoteAddress() {
        return channel.socket().getInetAddress();
    }
}

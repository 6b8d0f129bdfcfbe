package dev.netlab.webserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A plain TCP connection: reads through its socket, writes (and sendfile) on its channel. */
record PlainTransport(SocketChannel channel) implements Transport {

    private static final Logger LOG = Logger.getLogger(PlainTransport.class.getName());

    @Override
    public Socket open(long deadline) throws IOException {
        Socket socket = channel.socket();
        socket.setTcpNoDelay(true);
        return socket;
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

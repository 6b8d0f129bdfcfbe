package dev.netlab.webserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS connection: an {@link SSLSocket} layered over the accepted TCP socket. Aborting closes the TCP socket under
 * it, so a write blocked by a client that stopped reading fails at once (closing the SSLSocket itself would wait for
 * that write's lock to send close_notify).
 */
final class TlsTransport implements Transport {

    private final PlainTransport tcp;
    private final SSLSocketFactory factory;
    private final SSLParameters parameters;
    private final ScheduledExecutorService timer;
    private volatile boolean handshakeCut;
    private SSLSocket socket;
    private WritableByteChannel output;

    TlsTransport(SocketChannel channel, SSLSocketFactory factory, SSLParameters parameters,
                 ScheduledExecutorService timer) {
        this.tcp = new PlainTransport(channel);
        this.factory = factory;
        this.parameters = parameters;
        this.timer = timer;
    }

    @Override
    public Socket open(long deadline) throws IOException {
        Socket raw = tcp.open(deadline);
        socket = (SSLSocket) factory.createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        socket.setUseClientMode(false);
        socket.setSSLParameters(parameters);
        long left = Math.max(1, deadline - System.nanoTime());
        // A read timeout bounds each read only: a client trickling its handshake is cut at the deadline itself.
        ScheduledFuture<?> cut = timer.schedule(() -> {
            handshakeCut = true;
            abort();
        }, left, TimeUnit.NANOSECONDS);
        try {
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            socket.startHandshake();
        } catch (IOException e) {
            if (handshakeCut || e instanceof SocketTimeoutException) {
                throw new SocketTimeoutException("TLS handshake not finished in time");
            }
            throw e;
        } finally {
            cut.cancel(false);
        }
        if (handshakeCut) {
            throw new SocketTimeoutException("TLS handshake not finished in time");
        }
        output = new StreamChannel(socket.getOutputStream());
        return socket;
    }

    @Override
    public WritableByteChannel output() {
        return output;
    }

    @Override
    public boolean directOutput() {
        return false;
    }

    @Override
    public void shutdownOutput() throws IOException {
        // close_notify, then the TCP FIN.
        socket.shutdownOutput();
    }

    @Override
    public void abort() {
        tcp.abort();
    }

    @Override
    public InetAddress remoteAddress() {
        return tcp.remoteAddress();
    }
}

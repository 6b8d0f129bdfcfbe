package dev.netlab.webserver;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
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
 * that write's lock to send close_notify). A client whose first byte starts an HTTP method rather than a TLS record
 * is answered in plaintext ({@link PlaintextOnTlsPort}).
 */
final class TlsTransport implements Transport {

    /** The first byte of a TLS handshake record (a ClientHello). */
    private static final int HANDSHAKE_RECORD = 0x16;

    private final PlainTransport tcp;
    private final SSLSocketFactory factory;
    private final SSLParameters parameters;
    private final ScheduledExecutorService timer;
    private final HandshakeWorkers handshakes;
    private volatile boolean handshakeCut;
    private SSLSocket socket;
    private WritableByteChannel output;
    /** Whether the client spoke plain HTTP: output and shutdown then go to the TCP socket. */
    private boolean plaintext;

    TlsTransport(SocketChannel channel, SSLSocketFactory factory, SSLParameters parameters,
                 ScheduledExecutorService timer, HandshakeWorkers handshakes) {
        this.tcp = new PlainTransport(channel);
        this.factory = factory;
        this.parameters = parameters;
        this.timer = timer;
        this.handshakes = handshakes;
    }

    @Override
    public Socket open(long deadline) throws IOException {
        Socket raw = tcp.open(deadline);
        long left = Math.max(1, deadline - System.nanoTime());
        // A read timeout bounds each read only: a client trickling its handshake is cut at the deadline itself.
        ScheduledFuture<?> cut = timer.schedule(() -> {
            handshakeCut = true;
            abort();
        }, left, TimeUnit.NANOSECONDS);
        try {
            raw.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            // The first byte tells a TLS record from plain HTTP; the TLS socket reads it again from the copy.
            int first = raw.getInputStream().read();
            if (first < 0) {
                throw new EOFException("closed before the handshake");
            }
            if (first != HANDSHAKE_RECORD && startsHttpMethod(first)) {
                plaintext = true;
                output = tcp.output();
                throw new PlaintextOnTlsPort(raw);
            }
            socket = (SSLSocket) factory.createSocket(raw, new ByteArrayInputStream(new byte[] {(byte) first}), true);
            socket.setSSLParameters(parameters);
            handshakes.handshake(socket);
        } catch (PlaintextOnTlsPort e) {
            throw e;
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

    /** Whether {@code b} can start a request line (a method is a token; every registered one is upper case). */
    private static boolean startsHttpMethod(int b) {
        return b >= 'A' && b <= 'Z';
    }

    @Override
    public WritableByteChannel output() {
        return output;
    }

    @Override
    public boolean directOutput() {
        return plaintext;
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (plaintext) {
            tcp.shutdownOutput();
        } else {
            // close_notify, then the TCP FIN.
            socket.shutdownOutput();
        }
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

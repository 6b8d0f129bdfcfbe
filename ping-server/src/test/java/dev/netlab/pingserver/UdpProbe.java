package dev.netlab.pingserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** A test client socket on 127.0.0.1: every receive has a timeout. */
public final class UdpProbe implements AutoCloseable {

    public static final InetAddress LOOPBACK = loopback();

    private final DatagramSocket socket;

    public UdpProbe() {
        this(0);
    }

    public UdpProbe(int localPort) {
        this(LOOPBACK, localPort);
    }

    /** A socket on another loopback address (127.0.0.2...), a different source for per-address limits. */
    public UdpProbe(InetAddress local) {
        this(local, 0);
    }

    private UdpProbe(InetAddress local, int localPort) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(local, localPort));
            socket.setReceiveBufferSize(1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public void send(byte[] data, int port) throws IOException {
        socket.send(new DatagramPacket(data, data.length, LOOPBACK, port));
    }

    /** The next datagram within {@code timeout}, or empty. */
    public Optional<byte[]> receive(Duration timeout) throws IOException {
        byte[] buffer = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            socket.receive(packet);
            return Optional.of(Arrays.copyOf(buffer, packet.getLength()));
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
    }

    /** The next datagram within 5 s; fails the test if none comes. */
    public byte[] receive() throws IOException {
        return receive(Duration.ofSeconds(5)).orElseThrow(() -> new AssertionError("no reply within 5 s"));
    }

    /** Sends and waits for one reply. */
    public byte[] roundTrip(byte[] data, int port) throws IOException {
        send(data, port);
        return receive();
    }

    @Override
    public void close() {
        socket.close();
    }
}

package dev.netlab.pingserver;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** One round trip through a socket connected to the server's address, as a prober uses: a reply from any other address never arrives. */
public final class ConnectedProbe {

    private ConnectedProbe() {
    }

    /** The reply to {@code text} sent to {@code to:port} within {@code timeout}, or empty. */
    public static Optional<String> roundTrip(InetAddress to, int port, String text, Duration timeout)
            throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(
                to.getAddress().length == 4 ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName("::"), 0))) {
            socket.connect(new InetSocketAddress(to, port));
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            byte[] data = text.getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(data, data.length));
            DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
            socket.receive(reply);
            return Optional.of(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
        } catch (SocketTimeoutException | PortUnreachableException e) {
            return Optional.empty();
        }
    }
}

package dev.netlab.kit.admin;

import io.helidon.common.socket.SocketOptions;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Helidon's options for accepted connections, unchanged, except that {@link #configureSocket} (which Helidon's accept
 * loop calls on each accepted socket) also files the socket under its peer's address, where the connection's deadline
 * finds it. Helidon's own connection object does not expose the socket.
 */
final class AcceptedSockets implements SocketOptions {

    private final SocketOptions helidon;
    private final Map<SocketAddress, Socket> accepted;

    AcceptedSockets(SocketOptions helidon, Map<SocketAddress, Socket> accepted) {
        this.helidon = helidon;
        this.accepted = accepted;
    }

    @Override
    public void configureSocket(Socket socket) {
        helidon.configureSocket(socket);
        SocketAddress peer = socket.getRemoteSocketAddress();
        if (peer != null) {
            accepted.put(peer, socket);
        }
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return helidon.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return helidon.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return helidon.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return helidon.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return helidon.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return helidon.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return helidon.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return helidon.tcpNoDelay();
    }
}

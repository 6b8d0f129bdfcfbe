package dev.netlab.kit.admin;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Helidon's connection context with one change: the HTTP/1 connection reads and writes through a
 * {@link ConnectionDeadline}. Helidon has read nothing yet when it hands the context over (ours is the listener's only
 * connection selector).
 */
final class DeadlineContext implements ConnectionContext {

    private final ConnectionContext helidon;
    private final ConnectionDeadline deadline;
    private final DataReader reader;
    private final DataWriter writer;

    DeadlineContext(ConnectionContext helidon, ConnectionDeadline deadline) {
        this.helidon = helidon;
        this.deadline = deadline;
        this.reader = new DataReader(deadline);
        this.writer = new TimedWriter(helidon.dataWriter(), deadline);
    }

    ConnectionDeadline deadline() {
        return deadline;
    }

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public ListenerContext listenerContext() {
        return helidon.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return helidon.executor();
    }

    @Override
    public DataWriter dataWriter() {
        return writer;
    }

    @Override
    public Router router() {
        return helidon.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return helidon.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return helidon.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return helidon.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return helidon.localPeer();
    }

    @Override
    public boolean isSecure() {
        return helidon.isSecure();
    }

    @Override
    public String socketId() {
        return helidon.socketId();
    }

    @Override
    public String childSocketId() {
        return helidon.childSocketId();
    }
}

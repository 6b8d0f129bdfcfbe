package dev.netlab.kit.admin;

import dev.netlab.kit.log.RateLimitedLog;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1Connection;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read and write deadlines for the admin socket's connections, which Helidon 4.2 does not have: its accepted sockets
 * get no read timeout, its idle check interrupts a connection only while it waits for a request line, and its writes
 * block without a timeout, so a request head or body that trickles in, or a client that stops taking its answers,
 * holds a connection slot for ever.
 *
 * <p>Three of Helidon's extension points, and nothing per request beyond a few field writes: the listener's only
 * {@link ServerConnectionSelector}, which gives each HTTP/1 connection a reader and a writer timed by a
 * {@link ConnectionDeadline};
 * an HTTP/1 receive listener, which says when a head is complete; and the connection options, whose
 * {@code configureSocket} sees each accepted socket, so a late head's input can be shut down and answered with a 408.
 * {@link #check()} runs periodically on one thread for all connections.
 */
final class ReadDeadlines {

    /** The counter: admin connections closed at a read deadline, by what was late. */
    static final String TIMEOUTS = "admin.timeouts";

    private static final System.Logger LOG = System.getLogger(ReadDeadlines.class.getName());

    private final ConnectionLimits limits;
    private final Set<ConnectionDeadline> live = ConcurrentHashMap.newKeySet();
    private final Map<SocketAddress, Socket> accepted = new ConcurrentHashMap<>();
    private final Counter heads;
    private final Counter bodies;
    private final Counter sends;
    private final RateLimitedLog log = RateLimitedLog.of(LOG, Duration.ofSeconds(10));

    ReadDeadlines(ConnectionLimits limits, MeterRegistry registry) {
        this.limits = limits;
        this.heads = counter(registry, "head");
        this.bodies = counter(registry, "body");
        this.sends = counter(registry, "send");
    }

    private static Counter counter(MeterRegistry registry, String kind) {
        return Counter.builder(TIMEOUTS)
                .description("Admin socket connections closed because a request head or body was not received in time,"
                        + " or an answer not taken")
                .tag("kind", kind)
                .register(registry);
    }

    /** The connection selector to use instead of Helidon's HTTP/1 protocol configuration {@code http1}. */
    ServerConnectionSelector selector(Http1Config.Builder http1) {
        Http1ConnectionSelector helidon = Http1ConnectionSelector.builder()
                .config(http1.addReceiveListener(new HeadListener()).build())
                .build();
        return new Selector(helidon);
    }

    /** Helidon's default options for accepted connections, which also remember each accepted socket. */
    SocketOptions socketOptions() {
        return new AcceptedSockets(SocketOptions.create(), accepted);
    }

    /** Ends the reads that are over their deadline; called every {@link ConnectionLimits#deadlineCheck()}. */
    void check() {
        try {
            long now = System.nanoTime();
            for (ConnectionDeadline deadline : live) {
                deadline.check(now);
            }
            // a socket whose connection never started (Helidon failed it first)
            accepted.values().removeIf(Socket::isClosed);
        } catch (Throwable e) {
            // a scheduled task that throws is never run again
            log.log(System.Logger.Level.WARNING, "admin read deadline check failed", e);
        }
    }

    long checkNanos() {
        return limits.deadlineCheck().toNanos();
    }

    void timedOut(ConnectionDeadline.Phase phase) {
        switch (phase) {
            case BODY -> bodies.increment();
            case SEND -> sends.increment();
            default -> heads.increment();
        }
        log.log(System.Logger.Level.DEBUG, phase == ConnectionDeadline.Phase.SEND
                ? "admin connection closed: the client did not take its answer in time"
                : "admin connection closed: request " + phase.name().toLowerCase() + " not received in time");
    }

    /** Helidon's HTTP/1 selector, its connections reading through a deadline. */
    private final class Selector implements ServerConnectionSelector {

        private final Http1ConnectionSelector helidon;

        Selector(Http1ConnectionSelector helidon) {
            this.helidon = helidon;
        }

        @Override
        public int bytesToIdentifyConnection() {
            return helidon.bytesToIdentifyConnection();
        }

        @Override
        public Support supports(BufferData data) {
            return helidon.supports(data);
        }

        @Override
        public Set<String> supportedApplicationProtocols() {
            return helidon.supportedApplicationProtocols();
        }

        @Override
        public ServerConnection connection(ConnectionContext ctx) {
            Socket socket = accepted.remove(ctx.remotePeer().address());
            ConnectionDeadline deadline = new ConnectionDeadline(ctx.serverSocket(), socket, limits, ReadDeadlines.this);
            Http1Connection http1 = (Http1Connection) helidon.connection(new DeadlineContext(ctx, deadline));
            deadline.connection(http1);
            return new DeadlineConnection(http1, deadline, live);
        }
    }

    /** Tells a connection's deadline where its request stands. */
    private static final class HeadListener implements Http1ConnectionListener {

        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            if (ctx instanceof DeadlineContext timed) {
                timed.deadline().prologue();
            }
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (ctx instanceof DeadlineContext timed) {
                timed.deadline().headers(headers);
            }
        }
    }
}

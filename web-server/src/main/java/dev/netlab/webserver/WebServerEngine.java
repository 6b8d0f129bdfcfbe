package dev.netlab.webserver;

import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.StartupException;
import dev.netlab.webserver.http.HttpDate;
import dev.netlab.webserver.http.RequestHandler;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.ResponseWriter;
import dev.netlab.webserver.http.Status;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The web listener: a blocking accept loop handing each connection to its own virtual thread, the connection limit
 * (503 beyond it), and the drain on shutdown (idle connections closed, busy ones finish their answer).
 */
final class WebServerEngine implements Engine, Connection.Owner {

    private static final Logger LOG = Logger.getLogger(WebServerEngine.class.getName());
    private static final int BACKLOG = 1024;
    private static final Duration REFUSAL_LINGER = Duration.ofMillis(500);
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(10);
    private static final int MAX_LINGERING_REFUSALS = 256;

    private final WebServerConfig config;
    private final RequestHandler handler;
    private final WebServerMetrics metrics;
    private final HttpDate date;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger refusing = new AtomicInteger();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("web-connection-", 0).factory());
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("web-send-watchdog").daemon().factory());
    private volatile boolean draining;
    private ServerSocketChannel server;
    private Thread acceptor;

    WebServerEngine(WebServerConfig config, RequestHandler handler, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.handler = handler;
        this.metrics = new WebServerMetrics(registry, active::get);
        this.date = new HttpDate(clock);
    }

    @Override
    public List<Endpoint> start() {
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(config.bindAddress(), config.port()), BACKLOG);
        } catch (IOException e) {
            close();
            throw StartupException.cannotBind("web", "tcp", config.bindAddress(), config.port(), e);
        }
        InetSocketAddress bound;
        try {
            bound = (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            close();
            throw new StartupException("cannot read the web listener's address: " + e.getMessage(), e);
        }
        acceptor = Thread.ofVirtual().name("web-accept").start(this::acceptLoop);
        // A blocking socket write has no timeout of its own: a watchdog cuts writes stalled past the send timeout.
        long period = Math.clamp(config.sendTimeout().toMillis() / 4, 5, 1000);
        watchdog.scheduleAtFixedRate(this::cutStalledSends, period, period, TimeUnit.MILLISECONDS);
        return List.of(Endpoint.tcp("web", bound));
    }

    private void acceptLoop() {
        while (!draining) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // Out of descriptors and the like: the listener survives, the client retries; a pause keeps a
                // lasting failure from spinning.
                LOG.log(Level.WARNING, "accept failed: " + e.getMessage());
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (active.incrementAndGet() > config.maxConnections()) {
                active.decrementAndGet();
                metrics.refused();
                if (refusing.incrementAndGet() > MAX_LINGERING_REFUSALS) {
                    // A flood beyond the limit: answer at once without lingering, so refusals cannot pile up
                    // descriptors (150 bytes into a new socket's empty send buffer do not block).
                    refusing.decrementAndGet();
                    refuse(channel, false);
                    continue;
                }
                try {
                    threads.execute(() -> {
                        try {
                            refuse(channel, true);
                        } finally {
                            refusing.decrementAndGet();
                        }
                    });
                } catch (RuntimeException e) {
                    refusing.decrementAndGet();
                    closeQuietly(channel);
                }
                continue;
            }
            Connection connection = new Connection(channel, config, handler, metrics, date, this);
            connections.add(connection);
            try {
                threads.execute(connection);
            } catch (RuntimeException e) {
                // Executor shut down while closing.
                connection.abort();
                closed(connection);
            }
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(ACCEPT_BACKOFF);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINEST, "close failed", e);
        }
    }

    /** 503 with Connection: close for a connection beyond the limit, then (if {@code linger}) a short lingering close. */
    private void refuse(SocketChannel channel, boolean linger) {
        try (channel) {
            ResponseWriter writer = new ResponseWriter(channel, 512, date);
            metrics.bytes(writer.write(Response.error(Status.SERVICE_UNAVAILABLE, "Too many connections"),
                    false, true, false));
            if (!linger) {
                return;
            }
            channel.shutdownOutput();
            channel.socket().setSoTimeout((int) REFUSAL_LINGER.toMillis());
            var in = channel.socket().getInputStream();
            byte[] scrap = new byte[4096];
            long deadline = System.nanoTime() + REFUSAL_LINGER.toNanos();
            while (System.nanoTime() < deadline && in.read(scrap) >= 0) {
                // drop what the client sent
            }
        } catch (SocketTimeoutException e) {
            // linger over
        } catch (IOException e) {
            LOG.log(Level.FINEST, "503 not delivered", e);
        }
    }

    private void cutStalledSends() {
        long now = System.nanoTime();
        for (Connection connection : connections) {
            if (connection.sendStalled(now)) {
                LOG.fine("closing a connection whose client stopped reading");
                connection.abort();
            }
        }
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public void closed(Connection connection) {
        if (connections.remove(connection)) {
            active.decrementAndGet();
        }
        lock.lock();
        try {
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stopAccepting() {
        draining = true;
        closeListener();
        // Idle keep-alive connections would otherwise hold the drain for their whole idle timeout.
        connections.stream().filter(Connection::idle).forEach(Connection::abort);
    }

    @Override
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!connections.isEmpty()) {
                connections.stream().filter(Connection::idle).forEach(Connection::abort);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        draining = true;
        closeListener();
        connections.forEach(Connection::abort);
        threads.shutdownNow();
        watchdog.shutdownNow();
        if (acceptor != null) {
            acceptor.interrupt();
        }
    }

    private void closeListener() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the listener failed", e);
            }
        }
    }
}

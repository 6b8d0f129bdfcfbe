package dev.netlab.webserver;

import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.StartupException;
import dev.netlab.kit.log.RateLimitedLog;
import dev.netlab.webserver.http.HttpDate;
import dev.netlab.webserver.http.RequestHandler;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.ResponseWriter;
import dev.netlab.webserver.http.Status;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The web listener: a blocking accept loop handing each connection to its own virtual thread, the connection limit
 * (503 beyond it), and the drain on shutdown (idle connections closed, busy ones finish their answer).
 */
final class WebServerEngine implements Engine, Connection.Owner {

    private static final System.Logger LOG = System.getLogger(WebServerEngine.class.getName());
    private static final int BACKLOG = 1024;
    private static final Duration REFUSAL_LINGER = Duration.ofMillis(500);
    private static final int MAX_BACKOFF_SHIFT = 7;
    // A failing accept can repeat thousands of times a second: one line per 10 s at most.
    private static final RateLimitedLog ACCEPT_LOG = RateLimitedLog.of(
            System.getLogger(WebServerEngine.class.getName()), Duration.ofSeconds(10));

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
    private int maxConnections;
    private int maxLingeringRefusals;

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
        limitConnections(DescriptorBudget.ofThisProcess());
        acceptor = Thread.ofVirtual().name("web-accept").start(this::acceptLoop);
        // A blocking socket write has no timeout of its own: a watchdog cuts writes stalled past the send timeout.
        long period = Math.clamp(config.sendTimeout().toMillis() / 4, 5, 1000);
        watchdog.scheduleAtFixedRate(this::cutStalledSends, period, period, TimeUnit.MILLISECONDS);
        return List.of(Endpoint.tcp("web", bound));
    }

    private void acceptLoop() {
        int failures = 0;
        while (!draining) {
            try {
                dispatch(server.accept());
                failures = 0;
            } catch (ClosedChannelException e) {
                return;
            } catch (Throwable e) {
                // Out of descriptors and the like: the listener survives, new connections wait in the backlog.
                if (draining) {
                    return;
                }
                metrics.acceptFailed();
                ACCEPT_LOG.log(Level.WARNING, "accept failed, retrying: " + e,
                        e instanceof IOException ? null : e);
                if (!pause(++failures)) {
                    return;
                }
            }
        }
    }

    /** Hands a new connection to its thread, or refuses it beyond the connection limit. */
    private void dispatch(SocketChannel channel) {
        if (active.incrementAndGet() > maxConnections) {
            active.decrementAndGet();
            metrics.refused();
            if (refusing.incrementAndGet() > maxLingeringRefusals) {
                // A flood beyond the limit: answer at once without lingering, so refusals cannot pile up
                // descriptors (150 bytes into a new socket's empty send buffer do not block).
                refusing.decrementAndGet();
                refuse(channel, false);
                return;
            }
            try {
                threads.execute(() -> {
                    try {
                        refuse(channel, true);
                    } finally {
                        refusing.decrementAndGet();
                    }
                });
            } catch (Throwable e) {
                refusing.decrementAndGet();
                closeQuietly(channel);
                throw e;
            }
            return;
        }
        Connection connection;
        try {
            connection = new Connection(channel, config, handler, metrics, date, this);
        } catch (Throwable e) {
            active.decrementAndGet();
            closeQuietly(channel);
            throw e;
        }
        connections.add(connection);
        try {
            threads.execute(connection);
        } catch (Throwable e) {
            // Executor shut down while closing, or out of memory.
            connection.abort();
            closed(connection);
            if (!(e instanceof RejectedExecutionException)) {
                throw e;
            }
        }
    }

    /** Waits after the {@code failures}th failed accept in a row: 1 ms doubling to 128 ms; false when interrupted. */
    private static boolean pause(int failures) {
        try {
            Thread.sleep(Duration.ofMillis(1L << Math.min(failures - 1, MAX_BACKOFF_SHIFT)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Lowers the connection limit to what the descriptor limit allows, and says so. */
    private void limitConnections(DescriptorBudget budget) {
        maxConnections = budget.connections(config.maxConnections());
        maxLingeringRefusals = budget.lingeringRefusals(maxConnections);
        if (maxConnections < config.maxConnections()) {
            LOG.log(Level.INFO, "webserver.max-connections lowered from " + config.maxConnections() + " to " + maxConnections
                    + ": the file descriptor limit is " + budget.limit() + ", " + budget.inUse() + " in use");
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.TRACE, "close failed", e);
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
            LOG.log(Level.TRACE, "503 not delivered", e);
        }
    }

    private void cutStalledSends() {
        long now = System.nanoTime();
        for (Connection connection : connections) {
            if (connection.sendStalled(now)) {
                LOG.log(Level.DEBUG, "closing a connection whose client stopped reading");
                metrics.timeout(WebServerMetrics.TimeoutKind.SEND);
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
                LOG.log(Level.DEBUG, "closing the listener failed", e);
            }
        }
    }
}

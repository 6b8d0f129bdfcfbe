package dev.netlab.webserver;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.StartupException;
import dev.netlab.kit.log.RateLimitedLog;
import dev.netlab.webserver.accesslog.AccessLog;
import dev.netlab.webserver.accesslog.AccessLogSettings;
import dev.netlab.webserver.http.HttpDate;
import dev.netlab.webserver.http.RequestHandler;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.ResponseWriter;
import dev.netlab.webserver.http.Status;
import dev.netlab.webserver.tls.TlsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;

/**
 * The web listener (and the optional TLS listener): a blocking accept loop each, handing each connection to its own
 * virtual thread, the connection limit shared by both (503 beyond it), and the drain on shutdown (idle connections
 * closed, busy ones finish their answer, then the access log is flushed).
 */
final class WebServerEngine implements Engine, Connection.Owner {

    private static final System.Logger LOG = System.getLogger(WebServerEngine.class.getName());
    private static final int BACKLOG = 1024;
    private static final Duration REFUSAL_LINGER = Duration.ofMillis(500);
    private static final int MAX_BACKOFF_SHIFT = 7;
    /** Idle request buffers kept for reuse (about 48 KiB each with the default limits). */
    private static final int KEPT_BUFFERS = 64;
    // A failing accept can repeat thousands of times a second: one line per 10 s at most.
    private static final RateLimitedLog ACCEPT_LOG = RateLimitedLog.of(
            System.getLogger(WebServerEngine.class.getName()), Duration.ofSeconds(10));

    private final WebServerConfig config;
    private final Optional<TlsSettings> tls;
    private final AccessLog accessLog;
    private final RequestHandler handler;
    private final WebServerMetrics metrics;
    private final HttpDate date;
    private final ExchangeBuffers buffers;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger refusing = new AtomicInteger();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("web-connection-", 0).factory());
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    // Also the TLS handshake's deadline timer: a cancelled deadline leaves its queue at once.
    private final ScheduledThreadPoolExecutor watchdog = watchdog();
    /** Where the TLS listener's handshakes run, off the carriers (made with the listener). */
    private volatile HandshakeWorkers handshakes;
    private volatile boolean draining;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<Thread> acceptors = new CopyOnWriteArrayList<>();
    private int maxConnections;
    /** The scheduler watch the connections report to: the JVM's, or a test's own. */
    private volatile SchedulerWatch watch = SchedulerWatch.SHARED;
    private int maxLingeringRefusals;

    WebServerEngine(WebServerConfig config, RequestHandler handler, MeterRegistry registry, Clock clock) {
        this(config, handler, registry, clock, Optional.empty(), AccessLog.off(registry));
    }

    WebServerEngine(WebServerConfig config, RequestHandler handler, MeterRegistry registry, Clock clock,
                    Optional<TlsSettings> tls, AccessLogSettings accessLog) {
        this(config, handler, registry, clock, tls, openAccessLog(accessLog, clock, registry));
    }

    WebServerEngine(WebServerConfig config, RequestHandler handler, MeterRegistry registry, Clock clock,
                    Optional<TlsSettings> tls, AccessLog accessLog) {
        this.config = config;
        this.tls = tls;
        this.accessLog = accessLog;
        this.handler = handler;
        this.metrics = new WebServerMetrics(registry, active::get);
        this.date = new HttpDate(clock);
        this.buffers = new ExchangeBuffers(config.limits(), Connection.OUTPUT_BUFFER, KEPT_BUFFERS);
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        var executor = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("web-send-watchdog").daemon().factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static AccessLog openAccessLog(AccessLogSettings settings, Clock clock, MeterRegistry registry) {
        try {
            return AccessLog.create(settings, clock, registry);
        } catch (IOException e) {
            throw InvalidConfigException.invalid("webserver.access-log.target", settings.file().orElseThrow().toString(),
                    "a file the server can append to (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * One bound listener.
     *
     * @param name      its name in the start line
     * @param server    the bound socket
     * @param transport what an accepted socket becomes: plain TCP or TLS over it
     * @param plaintext whether a refusal at the connection limit can be a 503 (not on the TLS port: no handshake yet)
     */
    private record Listener(String name, ServerSocketChannel server, Function<SocketChannel, Transport> transport,
                            boolean plaintext) {
    }

    @Override
    public List<Endpoint> start() {
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.add(bind("web", config.bindAddress(), config.port(), PlainTransport::new, true));
        tls.ifPresent(settings -> {
            SSLSocketFactory factory = settings.context().getSocketFactory();
            SSLParameters parameters = settings.parameters();
            HandshakeWorkers workers = new HandshakeWorkers(Runtime.getRuntime().availableProcessors());
            handshakes = workers;
            endpoints.add(bind("tls", settings.bindAddress(), settings.port(),
                    channel -> new TlsTransport(channel, factory, parameters, watchdog, workers), false));
        });
        limitConnections(DescriptorBudget.ofThisProcess());
        accessLog.start();
        for (Listener listener : listeners) {
            acceptors.add(Thread.ofVirtual().name(listener.name() + "-accept").start(() -> acceptLoop(listener)));
        }
        // A blocking socket write has no timeout of its own, nor has a plain connection's wait for a request (no
        // timer per connection): a watchdog cuts writes stalled past the send timeout and waits past the head timeout
        // (a first request) or the idle timeout (a later one), at most a period late.
        watchdog.scheduleAtFixedRate(this::cutLateConnections, watchPeriodMillis(), watchPeriodMillis(),
                TimeUnit.MILLISECONDS);
        return endpoints;
    }

    /** Binds one listener (closing those already bound when it fails) and returns its start-line endpoint. */
    private Endpoint bind(String name, InetAddress address, int port, Function<SocketChannel, Transport> transport,
                          boolean plaintext) {
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open();
            listeners.add(new Listener(name, server, transport, plaintext));
            server.bind(new InetSocketAddress(address, port), BACKLOG);
        } catch (IOException e) {
            close();
            throw StartupException.cannotBind(name, "tcp", address, port, e);
        }
        try {
            return Endpoint.tcp(name, (InetSocketAddress) server.getLocalAddress());
        } catch (IOException e) {
            close();
            throw new StartupException("cannot read the " + name + " listener's address: " + e.getMessage(), e);
        }
    }

    private void acceptLoop(Listener listener) {
        int failures = 0;
        while (!draining) {
            try {
                dispatch(listener.server().accept(), listener);
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
    private void dispatch(SocketChannel channel, Listener listener) {
        if (active.incrementAndGet() > maxConnections) {
            active.decrementAndGet();
            metrics.refused();
            if (!listener.plaintext()) {
                // A TLS client would read a plaintext 503 as garbage: it gets a plain close.
                closeQuietly(channel);
                return;
            }
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
            connection = new Connection(listener.transport().apply(channel), config, handler, metrics, accessLog,
                    date, this, buffers);
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

    /** How often the watchdog looks: an eighth of the shortest of the send, head and idle timeouts, 5 to 250 ms. */
    private long watchPeriodMillis() {
        long shortest = Math.min(config.sendTimeout().toMillis(),
                Math.min(config.headTimeout().toMillis(), config.idleTimeout().toMillis()));
        return Math.clamp(shortest / 8, 5, 250);
    }

    private void cutLateConnections() {
        long now = System.nanoTime();
        for (Connection connection : connections) {
            if (connection.sendStalled(now)) {
                LOG.log(Level.DEBUG, "closing a connection whose client stopped reading");
                metrics.timeout(WebServerMetrics.TimeoutKind.SEND);
                connection.abort();
            } else if (connection.requestLate(now)) {
                LOG.log(Level.DEBUG, "ending a connection's wait for a request at its head or idle timeout");
            }
        }
    }

    @Override
    public SchedulerWatch watch() {
        return watch;
    }

    /** Connections accepted from now on report to {@code watch} instead of the JVM's (tests). */
    void useWatch(SchedulerWatch watch) {
        this.watch = watch;
    }

    /** Exchange buffers waiting in the pool (tests). */
    int idleBuffers() {
        return buffers.idle();
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
        HandshakeWorkers workers = handshakes;
        if (workers != null) {
            workers.close();
        }
        acceptors.forEach(Thread::interrupt);
        // After the drain: every answered request's line is queued; write them all and flush.
        accessLog.close();
    }

    private void closeListener() {
        for (Listener listener : listeners) {
            try {
                listener.server().close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the " + listener.name() + " listener failed", e);
            }
        }
    }
}

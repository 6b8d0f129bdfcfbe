package dev.netlab.kit.admin;

import dev.netlab.kit.lifecycle.StartupException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.HttpRouting;
import dev.netlab.kit.metrics.Exposition;
import dev.netlab.kit.metrics.MetricFamilies;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin socket every service has: {@code GET /metrics} (Prometheus text), {@code GET /health/live},
 * {@code GET /health/ready}, plus the service's own API routes. Helidon serves it; protocol sockets are the engine's.
 */
public final class AdminServer {

    /** The Prometheus text exposition format we serve (0.0.4, what every Prometheus scrapes). */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final Duration LISTENER_CHECK = Duration.ofSeconds(1);

    private final InetAddress bindAddress;
    private final int port;
    private final Supplier<WebServer> restarter;
    private final ReentrantLock lock = new ReentrantLock();
    // Checks that the listener accepts, and the connections' read deadlines.
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("admin-watchdog").daemon().factory());
    private volatile WebServer server;
    private boolean stopped;

    private AdminServer(WebServer server, InetAddress bindAddress, Supplier<WebServer> restarter,
                        ReadDeadlines deadlines, Duration deadlineCheck) {
        this.server = server;
        this.bindAddress = bindAddress;
        this.port = server.port();
        this.restarter = restarter;
        watchdog.scheduleWithFixedDelay(this::checkListener, LISTENER_CHECK.toMillis(), LISTENER_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        long check = deadlineCheck.toNanos();
        watchdog.scheduleWithFixedDelay(deadlines::check, check, check, TimeUnit.NANOSECONDS);
    }

    /**
     * Binds and starts the admin socket.
     *
     * @param serviceRoutes the service's own routes (an API), added after the standard ones
     * @throws StartupException when the port cannot be bound
     */
    public static AdminServer start(InetAddress bindAddress, int port, PrometheusMeterRegistry registry,
                                    Readiness readiness, Consumer<HttpRouting.Builder> serviceRoutes) {
        return start(bindAddress, port, registry, List.of(), readiness, serviceRoutes);
    }

    /**
     * Binds and starts the admin socket, whose {@code /metrics} also streams the families the service writes itself.
     *
     * @param families    families merged into the registry's exposition (none: the registry's text as it is)
     * @param serviceRoutes the service's own routes (an API), added after the standard ones
     * @throws StartupException when the port cannot be bound
     */
    public static AdminServer start(InetAddress bindAddress, int port, PrometheusMeterRegistry registry,
                                    List<MetricFamilies> families, Readiness readiness,
                                    Consumer<HttpRouting.Builder> serviceRoutes) {
        return start(bindAddress, port, registry, families, readiness, serviceRoutes, ConnectionLimits.ADMIN);
    }

    /** As above, with other connection limits (tests: timeouts they can wait for). */
    static AdminServer start(InetAddress bindAddress, int port, PrometheusMeterRegistry registry,
                             List<MetricFamilies> families, Readiness readiness,
                             Consumer<HttpRouting.Builder> serviceRoutes, ConnectionLimits limits) {
        // Helidon logs a stack trace and stays stopped when the port is taken; probing first gives the reason in
        // one line. A race with another process remains possible and is caught by isRunning() below.
        probeBind(bindAddress, port);
        ReadDeadlines deadlines = new ReadDeadlines(limits, registry);
        IntFunction<WebServer> builder = boundPort -> WebServer.builder()
                .host(bindAddress.getHostAddress())
                .port(boundPort)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .maxTcpConnections(limits.maxConnections())
                .idleConnectionTimeout(limits.idleTimeout())
                .idleConnectionPeriod(limits.idleCheck())
                // HTTP/1 through our selector only (no protocol configuration: Helidon would add its own selector).
                .protocolsDiscoverServices(false)
                // Helidon's debug log of received headers would print Authorization: Bearer <token> verbatim.
                .addConnectionSelector(deadlines.selector(Http1Config.builder().receiveLog(false)))
                .connectionOptions(deadlines.socketOptions())
                .routing(routing -> routing(routing, registry, families, readiness, serviceRoutes))
                .build();
        WebServer server = builder.apply(port);
        try {
            startQuietly(server);
        } catch (RuntimeException e) {
            throw StartupException.cannotBind("admin", "tcp", bindAddress, port, e);
        }
        // Helidon's start() does not throw when the port is taken: it logs and stays stopped.
        if (!server.isRunning()) {
            throw StartupException.cannotBind("admin", "tcp", bindAddress, port, null);
        }
        int bound = server.port();
        return new AdminServer(server, bindAddress, () -> builder.apply(bound), deadlines, limits.deadlineCheck());
    }

    /** Starts {@code server} without Helidon's stack trace for a port it cannot bind. */
    private static void startQuietly(WebServer server) {
        Logger helidonServer = Logger.getLogger("io.helidon.webserver.LoomServer");
        Level level = helidonServer.getLevel();
        helidonServer.setLevel(Level.OFF);
        try {
            server.start();
        } finally {
            helidonServer.setLevel(level);
        }
    }

    /**
     * Helidon 4.2's listener ends its accept loop for good on any failed accept (out of file descriptors included),
     * while the server still reports itself running. A connection to our own port that is refused shows it; a new
     * server then takes the port over. Any other failure (no descriptor for the probe) is checked again later.
     */
    private void checkListener() {
        try (Socket probe = new Socket()) {
            probe.connect(address(), (int) LISTENER_CHECK.toMillis());
        } catch (ConnectException e) {
            restart();
        } catch (Throwable e) {
            // out of descriptors or busy: the next check tells
        }
    }

    private void restart() {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            server.stop();
            WebServer fresh = restarter.get();
            startQuietly(fresh);
            if (fresh.isRunning()) {
                server = fresh;
                LOG.log(System.Logger.Level.WARNING, "admin listener on port " + port
                        + " had stopped accepting (Helidon ends its accept loop on a failed accept); restarted");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "admin listener restart failed; retrying", e);
        } finally {
            lock.unlock();
        }
    }

    private static void probeBind(InetAddress bindAddress, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(bindAddress, port));
        } catch (IOException e) {
            throw StartupException.cannotBind("admin", "tcp", bindAddress, port, e);
        }
    }

    /** The routes, shared by production and tests. */
    static void routing(HttpRouting.Builder routing, PrometheusMeterRegistry registry, List<MetricFamilies> families,
                        Readiness readiness, Consumer<HttpRouting.Builder> serviceRoutes) {
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, METRICS_CONTENT_TYPE);
            if (families.isEmpty()) {
                res.send(registry.scrape().getBytes(StandardCharsets.UTF_8));
                return;
            }
            // Streamed: a service's own families can be 100,000 series, never held as one text.
            try (OutputStream out = res.outputStream()) {
                Exposition.writeOnPlatformThread(registry, families, out);
            }
        });
        routing.get("/health/live", (req, res) -> Json.send(res, new Health("UP")));
        routing.get("/health/ready", (req, res) -> {
            if (readiness.isReady()) {
                Json.send(res, ready("UP", readiness.details()));
            } else {
                Json.send(res, Status.SERVICE_UNAVAILABLE_503, ready("DOWN", readiness.details()));
            }
        });
        serviceRoutes.accept(routing);
    }

    /** The body of {@code /health/ready}: the status, then the engine's details. */
    private static Map<String, String> ready(String status, Map<String, String> details) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", status);
        body.putAll(details);
        return body;
    }

    /** The body of the health endpoints. */
    record Health(String status) {
    }

    /** The address actually bound (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return new InetSocketAddress(bindAddress, port);
    }

    /** The Helidon server serving now (tests stop it to play a listener that died). */
    WebServer current() {
        return server;
    }

    /** Stops serving; in-flight admin requests get a short grace period. */
    public void stop() {
        lock.lock();
        try {
            stopped = true;
            watchdog.shutdownNow();
            server.stop();
        } finally {
            lock.unlock();
        }
    }
}

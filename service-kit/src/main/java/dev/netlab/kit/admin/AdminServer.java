package dev.netlab.kit.admin;

import dev.netlab.kit.lifecycle.StartupException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin socket every service has: {@code GET /metrics} (Prometheus text), {@code GET /health/live},
 * {@code GET /health/ready}, plus the service's own API routes. Helidon serves it; protocol sockets are the engine's.
 */
public final class AdminServer {

    /** The Prometheus text exposition format we serve (0.0.4, what every Prometheus scrapes). */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final WebServer server;
    private final InetAddress bindAddress;

    private AdminServer(WebServer server, InetAddress bindAddress) {
        this.server = server;
        this.bindAddress = bindAddress;
    }

    /**
     * Binds and starts the admin socket.
     *
     * @param serviceRoutes the service's own routes (an API), added after the standard ones
     * @throws StartupException when the port cannot be bound
     */
    public static AdminServer start(InetAddress bindAddress, int port, PrometheusMeterRegistry registry,
                                    Readiness readiness, Consumer<HttpRouting.Builder> serviceRoutes) {
        // Helidon logs a stack trace and stays stopped when the port is taken; probing first gives the reason in
        // one line. A race with another process remains possible and is caught by isRunning() below.
        probeBind(bindAddress, port);
        WebServer server = WebServer.builder()
                .host(bindAddress.getHostAddress())
                .port(port)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .routing(routing -> routing(routing, registry, readiness, serviceRoutes))
                .build();
        Logger helidonServer = Logger.getLogger("io.helidon.webserver.LoomServer");
        Level level = helidonServer.getLevel();
        helidonServer.setLevel(Level.OFF);
        try {
            server.start();
        } catch (RuntimeException e) {
            throw StartupException.cannotBind("admin", "tcp", bindAddress, port, e);
        } finally {
            helidonServer.setLevel(level);
        }
        // Helidon's start() does not throw when the port is taken: it logs and stays stopped.
        if (!server.isRunning()) {
            throw StartupException.cannotBind("admin", "tcp", bindAddress, port, null);
        }
        return new AdminServer(server, bindAddress);
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
    static void routing(HttpRouting.Builder routing, PrometheusMeterRegistry registry, Readiness readiness,
                        Consumer<HttpRouting.Builder> serviceRoutes) {
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, METRICS_CONTENT_TYPE);
            res.send(registry.scrape().getBytes(StandardCharsets.UTF_8));
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
        return new InetSocketAddress(bindAddress, server.port());
    }

    /** Stops serving; in-flight admin requests get a short grace period. */
    public void stop() {
        server.stop();
    }
}

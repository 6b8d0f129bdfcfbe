package dev.netlab.webserver;

import dev.netlab.webserver.http.Methods;
import dev.netlab.webserver.http.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The meters of docs/architecture.md, every label value at zero at start: requests by method and status, the request
 * duration histogram, response bytes, active and refused connections, timeouts by kind.
 */
final class WebServerMetrics {

    /** Where a client was too slow. */
    enum TimeoutKind {
        /** The request head did not arrive in time. */
        HEAD,
        /** A kept-alive connection sent no new request in time. */
        IDLE,
        /** A client stopped reading: one write stayed blocked past the send timeout. */
        SEND
    }

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10)};

    private final Map<String, Counter[]> requests = new HashMap<>();
    private final Timer duration;
    private final Counter responseBytes;
    private final Counter refused;
    private final Counter acceptFailures;
    private final Counter[] timeouts = new Counter[TimeoutKind.values().length];

    WebServerMetrics(MeterRegistry registry, IntSupplier activeConnections) {
        for (String method : Methods.LABELS) {
            Counter[] byStatus = new Counter[Status.values().length];
            for (Status status : Status.values()) {
                byStatus[status.ordinal()] = Counter.builder("webserver.requests")
                        .description("HTTP requests answered, by method and status")
                        .baseUnit("requests")
                        .tag("method", method)
                        .tag("status", status.codeText())
                        .register(registry);
            }
            requests.put(method, byStatus);
        }
        duration = Timer.builder("webserver.request.duration")
                .description("Time from a request's first byte to its response's last byte")
                // Prometheus' classic buckets: few series, cheap to record, enough for the dashboard's quantiles.
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        responseBytes = Counter.builder("webserver.response")
                .description("Bytes written in responses, heads included")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("webserver.connections.active", activeConnections::getAsInt)
                .description("Open client connections")
                .register(registry);
        refused = Counter.builder("webserver.connections.refused")
                .description("Connections answered 503 and closed at the connection limit")
                .register(registry);
        acceptFailures = Counter.builder("webserver.accept.failures")
                .description("Failed accepts on the web listener (out of file descriptors and the like); it retries")
                .register(registry);
        for (TimeoutKind kind : TimeoutKind.values()) {
            timeouts[kind.ordinal()] = Counter.builder("webserver.timeouts")
                    .description("Connections closed because a client was too slow, by kind (head, idle, send)")
                    .tag("kind", kind.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    /** One answered request. */
    void request(String method, Status status, long bytes, long nanos) {
        requests.get(Methods.label(method))[status.ordinal()].increment();
        responseBytes.increment(bytes);
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Bytes written outside a counted request (503 at the limit, 408 at the head timeout). */
    void bytes(long bytes) {
        responseBytes.increment(bytes);
    }

    void refused() {
        refused.increment();
    }

    void acceptFailed() {
        acceptFailures.increment();
    }

    void timeout(TimeoutKind kind) {
        timeouts[kind.ordinal()].increment();
    }
}

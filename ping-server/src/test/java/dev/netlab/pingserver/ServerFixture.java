package dev.netlab.pingserver;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.lifecycle.RunningService;
import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.PingServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The real ping-server, in-process, on port 0 everywhere, talking over loopback. */
public final class ServerFixture implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    private final RunningService running;

    private ServerFixture(RunningService running) {
        this.running = running;
    }

    /** Starts with {@code overrides} over the defaults (ports 0) and the system clock. */
    public static ServerFixture start(Map<String, String> overrides) {
        return start(overrides, Clock.systemUTC());
    }

    /** Starts with {@code overrides} over the defaults (ports 0) and {@code clock}. */
    public static ServerFixture start(Map<String, String> overrides, Clock clock) {
        Map<String, String> all = new HashMap<>();
        all.put("admin.port", "0");
        for (Mode mode : Mode.values()) {
            all.put(PingServerConfig.prefix(mode) + ".port", "0");
        }
        all.put("lifecycle.drain-timeout", "2s");
        all.putAll(overrides);
        return new ServerFixture(RunningService.start(new Main(), ConfigLoader.load(Optional.empty(), Map.of(), all),
                clock));
    }

    public RunningService running() {
        return running;
    }

    public int port(Mode mode) {
        return running.endpoint(mode.label()).port();
    }

    /** A GET on the admin socket: status and body. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        int port = running.endpoint("admin").port();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).build(); // a bound for a loaded machine, not a latency claim
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /metrics}, parsed strictly. */
    public PrometheusText.Scrape metrics() throws IOException, InterruptedException {
        return PrometheusText.parse(get("/metrics").body());
    }

    /** One sample's value from the registry itself (cheap enough to poll). */
    public double value(String name, String... labels) {
        return PrometheusText.parse(running.registry().scrape()).valueOf(name, labels);
    }

    /**
     * Waits (30 s at most, for a loaded machine) until a sample reaches {@code expected}: a counter may move just
     * after the datagram that a test has already received went out.
     */
    public void awaitValue(double expected, String name, String... labels) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        double value;
        while ((value = value(name, labels)) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " " + String.join(",", labels) + " is " + value + ", expected "
                        + expected);
            }
            Thread.onSpinWait();
        }
    }

    /** The received count of {@code mode}, straight from the counter (for pacing floods). */
    public double received(Mode mode) {
        var counter = running.registry().find("pingserver.packets.received").tag("mode", mode.label()).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        running.close();
    }
}

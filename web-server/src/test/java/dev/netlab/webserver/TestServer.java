package dev.netlab.webserver;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.lifecycle.RunningService;
import dev.netlab.kit.metrics.PrometheusText;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The real service in-process on port 0 over a given root, with settings overridden per test. */
final class TestServer implements AutoCloseable {

    private final RunningService running;

    private TestServer(RunningService running) {
        this.running = running;
    }

    static TestServer start(Path root, Map<String, String> overrides) {
        return start(root, Optional.empty(), overrides);
    }

    /** The server with {@code config} (a YAML file, as --config gives it) under the overrides. */
    static TestServer start(Path root, Optional<Path> config, Map<String, String> overrides) {
        return start(root, config, overrides, Clock.systemUTC());
    }

    /** The server whose present is {@code clock}'s (its Date, and the "now" its preconditions are read at). */
    static TestServer start(Path root, Map<String, String> overrides, Clock clock) {
        return start(root, Optional.empty(), overrides, clock);
    }

    private static TestServer start(Path root, Optional<Path> config, Map<String, String> overrides, Clock clock) {
        Map<String, String> settings = new HashMap<>();
        settings.put("admin.port", "0");
        settings.put("webserver.port", "0");
        settings.put("webserver.root", root.toString());
        settings.put("lifecycle.drain-timeout", "2s");
        settings.putAll(overrides);
        return new TestServer(RunningService.start(new Main(), ConfigLoader.load(config, Map.of(), settings),
                clock));
    }

    int port() {
        return running.endpoint("web").port();
    }

    RunningService running() {
        return running;
    }

    PrometheusText.Scrape scrape() {
        return PrometheusText.parse(running.registry().scrape());
    }

    /** The value of a metric sample, 0 when absent. */
    double metric(String name, String... labels) {
        return scrape().value(name, labels).orElse(0.0);
    }

    @Override
    public void close() {
        running.close();
    }
}

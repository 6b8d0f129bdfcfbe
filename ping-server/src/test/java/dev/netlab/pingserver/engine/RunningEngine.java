package dev.netlab.pingserver.engine;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.PingServerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A started reflector engine (no admin socket) with the echo listener only, on port 0, and the host's addresses as a test gives them. */
final class RunningEngine implements AutoCloseable {

    final ReflectorEngine engine;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<Endpoint> endpoints;

    private RunningEngine(Map<String, String> overrides, LocalAddresses addresses) {
        Map<String, String> all = new HashMap<>();
        for (Mode mode : Mode.values()) {
            all.put(PingServerConfig.prefix(mode) + ".port", "0");
            all.put(PingServerConfig.prefix(mode) + ".enabled", Boolean.toString(mode == Mode.ECHO));
        }
        all.put(PingServerConfig.prefix(Mode.ECHO) + ".rate-limit", "0");
        all.put(PingServerConfig.prefix(Mode.ECHO) + ".receive-buffer", "64KiB");
        all.putAll(overrides);
        engine = new ReflectorEngine(PingServerConfig.read(ConfigLoader.load(Optional.empty(), Map.of(), all)),
                registry, Clock.systemUTC(), addresses);
        endpoints = engine.start();
    }

    /** Starts with {@code overrides} over the echo-only defaults. */
    static RunningEngine start(Map<String, String> overrides, LocalAddresses addresses) {
        return new RunningEngine(overrides, addresses);
    }

    int echoPort() {
        return endpoints.getFirst().port();
    }

    Listener echo() {
        return engine.listener(Mode.ECHO).orElseThrow();
    }

    double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Override
    public void close() throws InterruptedException {
        engine.stopAccepting();
        engine.awaitDrained(Duration.ofSeconds(5));
        engine.close();
    }
}

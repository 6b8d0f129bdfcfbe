package dev.netlab.pingclient.service;

import dev.netlab.kit.admin.Json;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The service's engine: one supervisor per configured target, no listener of its own, {@code GET /api/targets}. */
public final class ProberEngine implements Engine {

    private final List<TargetSupervisor> supervisors;

    public ProberEngine(ProberConfig config, MeterRegistry registry, Clock clock, Resolver resolver) {
        List<String> labelKeys = config.labelKeys();
        this.supervisors = config.targets().stream()
                .map(t -> new TargetSupervisor(t, config, registry, labelKeys, clock, resolver))
                .toList();
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.get("/api/targets", (req, res) -> Json.send(res, Map.of("targets", describe())));
    }

    /** Every target's and address's counts, as the API shows them. */
    public List<Map<String, Object>> describe() {
        return supervisors.stream().flatMap(s -> s.describe().stream()).toList();
    }

    @Override
    public List<Endpoint> start() {
        supervisors.forEach(TargetSupervisor::start);
        // The prober sends; it binds no listener, so the start line shows only the admin socket.
        return List.of();
    }

    @Override
    public void stopAccepting() {
        supervisors.forEach(TargetSupervisor::stop);
    }

    @Override
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TargetSupervisor supervisor : supervisors) {
            if (!supervisor.awaitStopped(deadline)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        supervisors.forEach(TargetSupervisor::stop);
    }
}

package dev.netlab.pingclient.service;

import dev.netlab.kit.admin.Json;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import dev.netlab.kit.metrics.MetricFamilies;
import dev.netlab.pingclient.metrics.PingFamilies;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The service's engine: one supervisor per configured target, no listener of its own, {@code GET /api/targets}.
 * A new configuration (SIGHUP) replaces the supervisors of targets that changed or went away and keeps the others
 * running with their counts.
 */
public final class ProberEngine implements Engine {

    private static final Logger LOG = System.getLogger(ProberEngine.class.getName());

    private final PingFamilies families = new PingFamilies();
    private final Map<String, String> constantLabels;
    private final Clock clock;
    private final Resolver resolver;
    private final ReentrantLock lock = new ReentrantLock();
    private ProberConfig config;
    private volatile List<TargetSupervisor> supervisors;
    private boolean started;
    private boolean stopped;

    /** @param constantLabels the deployment's labels on every series ({@code metrics.tags}) */
    public ProberEngine(ProberConfig config, Map<String, String> constantLabels, Clock clock, Resolver resolver) {
        this.constantLabels = Map.copyOf(constantLabels);
        this.clock = clock;
        this.resolver = resolver;
        this.config = config;
        this.supervisors = create(config.targets(), config);
    }

    private List<TargetSupervisor> create(List<TargetConfig> targets, ProberConfig settings) {
        List<String> labelKeys = settings.labelKeys();
        return targets.stream()
                .map(t -> new TargetSupervisor(t, settings, families, constantLabels, labelKeys, clock, resolver))
                .toList();
    }

    @Override
    public List<MetricFamilies> metricFamilies() {
        return List.of(families);
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        // Snapshots and JSON off the carriers: a cold answer at mesh scale takes hundreds of milliseconds.
        routing.get("/api/targets", (req, res) -> {
            byte[] body = OffCarrier.call("api-targets", this::targetsJson);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(body);
        });
    }

    private byte[] targetsJson() {
        try {
            return Json.MAPPER.writeValueAsBytes(Map.of("targets", describe()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the targets as JSON", e);
        }
    }

    /** Every target's and address's counts, as the API shows them. */
    public List<Map<String, Object>> describe() {
        return supervisors.stream().flatMap(s -> s.describe().stream()).toList();
    }

    @Override
    public List<Endpoint> start() {
        lock.lock();
        try {
            started = true;
            supervisors.forEach(TargetSupervisor::start);
        } finally {
            lock.unlock();
        }
        // The prober sends; it binds no listener, so the start line shows only the admin socket.
        return List.of();
    }

    /**
     * Applies a new configuration: targets that went away stop and their series disappear, new ones start at zero,
     * unchanged ones keep running. A change to a setting every target shares (or to the set of label names, which
     * every series carries) restarts them all.
     */
    public void reconfigure(ProberConfig next) {
        lock.lock();
        try {
            if (!started || stopped) {
                LOG.log(Level.WARNING, "configuration not reloaded: the prober is "
                        + (stopped ? "stopping" : "not started"));
                return;
            }
            boolean shared = next.sharesSettingsWith(config);
            Map<TargetConfig, TargetSupervisor> kept = new HashMap<>();
            int removed = 0;
            for (TargetSupervisor supervisor : supervisors) {
                if (shared && next.targets().contains(supervisor.target())) {
                    kept.put(supervisor.target(), supervisor);
                } else {
                    // Retired before any replacement registers: a target's series may come back with other labels.
                    supervisor.retire();
                    removed++;
                }
            }
            List<TargetSupervisor> result = new ArrayList<>();
            List<TargetConfig> added = new ArrayList<>();
            for (TargetConfig target : next.targets()) {
                TargetSupervisor supervisor = kept.get(target);
                if (supervisor == null) {
                    supervisor = new TargetSupervisor(target, next, families, constantLabels, next.labelKeys(), clock,
                            resolver);
                    added.add(target);
                }
                result.add(supervisor);
            }
            config = next;
            supervisors = List.copyOf(result);
            result.stream().filter(s -> added.contains(s.target())).forEach(TargetSupervisor::start);
            int removedTargets = removed;
            LOG.log(Level.INFO, () -> "configuration reloaded: " + result.size() + " targets, " + added.size()
                    + " started, " + removedTargets + " stopped");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stopAccepting() {
        lock.lock();
        try {
            stopped = true;
            supervisors.forEach(TargetSupervisor::stop);
        } finally {
            lock.unlock();
        }
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
        stopAccepting();
    }
}

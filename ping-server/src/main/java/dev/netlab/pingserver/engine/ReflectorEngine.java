package dev.netlab.pingserver.engine;

import dev.netlab.kit.admin.Json;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.pingprotocol.ErrorEstimate;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.ListenerConfig;
import dev.netlab.pingserver.config.PingServerConfig;
import dev.netlab.pingserver.engine.PingMetrics.SenderState;
import dev.netlab.pingserver.faults.FaultPlanner;
import dev.netlab.pingserver.protocol.ClockResolution;
import dev.netlab.pingserver.protocol.EchoReflector;
import dev.netlab.pingserver.protocol.LabReflector;
import dev.netlab.pingserver.protocol.Reflector;
import dev.netlab.pingserver.protocol.StampReflector;
import dev.netlab.pingserver.senders.SenderTable;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The reflector: the {@code lab}, {@code echo} and {@code stamp} listeners that are enabled, one scheduler for
 * delayed and held replies, the sender table, and {@code GET /api/senders} on the admin socket.
 */
public final class ReflectorEngine implements Engine {

    /** Rate-limit buckets per listener before idle ones are forgotten. */
    private static final int MAX_RATE_BUCKETS = 100_000;

    private final PingServerConfig config;
    private final Clock clock;
    private final SenderTable senders;
    private final PingMetrics metrics;
    private final ErrorEstimate errorEstimate;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("pingserver-scheduler").factory());
    private final List<Listener> listeners = new ArrayList<>();

    public ReflectorEngine(PingServerConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.senders = new SenderTable(config.senders(), clock);
        this.metrics = new PingMetrics(registry, state -> senders.count(state == SenderState.STOPPED));
        this.errorEstimate = ErrorEstimate.atLeast(ClockResolution.of(clock), config.stamp().clockSynchronized());
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.get("/api/senders", (req, res) -> Json.send(res, senders.snapshot()));
    }

    @Override
    public List<Endpoint> start() {
        List<Endpoint> endpoints = new ArrayList<>();
        try {
            for (ListenerConfig listenerConfig : config.listeners()) {
                if (!listenerConfig.enabled()) {
                    continue;
                }
                Listener listener = new Listener(listenerConfig, reflector(listenerConfig),
                        FaultPlanner.create(listenerConfig.faults()),
                        new RateLimiter(listenerConfig.rateLimit(), System::nanoTime, MAX_RATE_BUCKETS),
                        metrics, clock, scheduler);
                listeners.add(listener);
                endpoints.add(listener.bind());
            }
        } catch (RuntimeException e) {
            listeners.forEach(Listener::close);
            throw e;
        }
        listeners.forEach(Listener::start);
        return endpoints;
    }

    private Reflector reflector(ListenerConfig listener) {
        Mode mode = listener.mode();
        return switch (mode) {
            // The lab client writes local time without a zone: read it in this host's zone, like the client's.
            case LAB -> new LabReflector(senders, ZoneId.systemDefault(), lost -> metrics.forwardLost(mode, lost));
            case ECHO -> new EchoReflector();
            case STAMP -> new StampReflector(config.stamp(), senders, clock, errorEstimate, listener.maxDatagram(),
                    lost -> metrics.forwardLost(mode, lost));
        };
    }

    @Override
    public void stopAccepting() {
        listeners.forEach(Listener::stopAccepting);
    }

    @Override
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean stopped = true;
        for (Listener listener : listeners) {
            stopped &= listener.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        // Delayed and held replies still go out: the scheduler runs what it has, then ends.
        scheduler.shutdown();
        return scheduler.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) && stopped;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        listeners.forEach(Listener::close);
    }
}

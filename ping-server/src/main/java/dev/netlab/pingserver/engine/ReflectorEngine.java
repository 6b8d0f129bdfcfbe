package dev.netlab.pingserver.engine;

import dev.netlab.kit.admin.Json;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.log.ThrottledLog;
import dev.netlab.pingprotocol.ErrorEstimate;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.ListenerConfig;
import dev.netlab.pingserver.config.PingServerConfig;
import dev.netlab.pingserver.engine.PingMetrics.SenderState;
import dev.netlab.pingserver.protocol.ClockResolution;
import dev.netlab.pingserver.protocol.EchoReflector;
import dev.netlab.pingserver.protocol.LabReflector;
import dev.netlab.pingserver.protocol.Reflector;
import dev.netlab.pingserver.protocol.StampReflector;
import dev.netlab.pingserver.senders.SenderTable;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The reflector: the {@code lab}, {@code echo} and {@code stamp} listeners that are enabled, one scheduler for
 * delayed and held replies, one more that re-reads the host's addresses for listeners bound to a wildcard address,
 * the sender table, and {@code GET /api/senders} on the admin socket.
 */
public final class ReflectorEngine implements Engine {

    private static final Logger LOG = System.getLogger(ReflectorEngine.class.getName());

    /** Rate-limit buckets per listener before idle ones are forgotten. */
    private static final int MAX_RATE_BUCKETS = 100_000;

    private final PingServerConfig config;
    private final Clock clock;
    private final SenderTable senders;
    private final PingMetrics metrics;
    private final ErrorEstimate errorEstimate;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("pingserver-scheduler").factory());
    // Enumerating interfaces takes milliseconds: never on the scheduler that times delayed replies.
    private final ScheduledExecutorService addressWatch =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("pingserver-addresses").factory());
    private final ThrottledLog watchFailures = ThrottledLog.every(Receiver.LOG_INTERVAL, LOG);
    private final LocalAddresses localAddresses;
    private final List<Listener> listeners = new ArrayList<>();

    public ReflectorEngine(PingServerConfig config, MeterRegistry registry, Clock clock) {
        this(config, registry, clock, LocalAddresses.ofInterfaces());
    }

    /** With {@code localAddresses} in place of the host's interfaces (tests). */
    ReflectorEngine(PingServerConfig config, MeterRegistry registry, Clock clock, LocalAddresses localAddresses) {
        this.config = config;
        this.localAddresses = localAddresses;
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
                Listener listener = new Listener(listenerConfig, () -> reflector(listenerConfig),
                        new RateLimiter(listenerConfig.rateLimit(), System::nanoTime, MAX_RATE_BUCKETS),
                        metrics, clock, scheduler, config.receiveThread(), localAddresses);
                listeners.add(listener);
                endpoints.add(listener.bind());
            }
        } catch (RuntimeException e) {
            listeners.forEach(Listener::close);
            throw e;
        }
        listeners.forEach(Listener::start);
        if (listeners.stream().anyMatch(Listener::wildcard)) {
            long every = config.addressRefresh().toNanos();
            addressWatch.scheduleWithFixedDelay(this::refreshAddresses, every, every, TimeUnit.NANOSECONDS);
        }
        return endpoints;
    }

    /** One look at the host's addresses for every wildcard listener; a failure keeps the sockets there are. */
    void refreshAddresses() {
        try {
            Set<InetAddress> current = localAddresses.current();
            listeners.forEach(listener -> listener.refresh(current));
        } catch (Throwable e) {
            // No failure ends the periodic refresh: the next one tries again.
            watchFailures.log(Level.WARNING, () -> "reading the local addresses failed; serving on as before", e);
        }
    }

    /** The receive threads of every socket open now. */
    List<Thread> receiveThreads() {
        return listeners.stream().flatMap(listener -> listener.receiveThreads().stream()).toList();
    }

    /** The listener of {@code mode}, if it is enabled. */
    Optional<Listener> listener(Mode mode) {
        return listeners.stream().filter(l -> l.mode() == mode).findFirst();
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
        addressWatch.shutdownNow();
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
        addressWatch.shutdownNow();
        scheduler.shutdownNow();
        listeners.forEach(Listener::close);
    }
}

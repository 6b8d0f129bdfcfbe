package dev.netlab.kit.lifecycle;

import dev.netlab.kit.admin.AdminServer;
import dev.netlab.kit.admin.Readiness;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.metrics.Exposition;
import dev.netlab.kit.metrics.MeterRegistries;
import dev.netlab.kit.metrics.MetricTags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A started service: config, then engine and admin socket, then ready. {@link #awaitStop()} blocks until a stop is
 * requested (SIGTERM, or a test), then stops accepting, drains for {@code lifecycle.drain-timeout}, closes
 * everything and returns the exit code.
 */
public final class RunningService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RunningService.class.getName());

    private final Service service;
    private final Engine engine;
    private final AdminServer admin;
    private final Readiness readiness;
    private final PrometheusMeterRegistry registry;
    private final List<Endpoint> endpoints;
    private final Duration drainTimeout;
    private final long startMillis;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();

    private RunningService(Service service, Engine engine, AdminServer admin, Readiness readiness,
                           PrometheusMeterRegistry registry, List<Endpoint> endpoints, Duration drainTimeout,
                           long startMillis) {
        this.service = service;
        this.engine = engine;
        this.admin = admin;
        this.readiness = readiness;
        this.registry = registry;
        this.endpoints = endpoints;
        this.drainTimeout = drainTimeout;
        this.startMillis = startMillis;
    }

    /**
     * Starts {@code service} with {@code settings}: every setting is validated before anything is bound.
     *
     * @throws dev.netlab.kit.config.InvalidConfigException on a bad setting (exit 2)
     * @throws StartupException                              when a listener cannot be bound (exit 1)
     */
    public static RunningService start(Service service, Settings settings, Clock clock) {
        ErrorPathPreload.run();
        Duration drainTimeout;
        InetAddress adminBind;
        int adminPort;
        PrometheusMeterRegistry registry;
        Engine engine;
        try {
            drainTimeout = settings.duration("lifecycle.drain-timeout", Duration.ZERO, Duration.ofHours(1));
            adminBind = settings.bindAddress("admin.bind-address");
            adminPort = settings.port("admin.port");
            registry = MeterRegistries.create(MetricTags.read(settings));
            engine = service.createEngine(new ServiceContext(settings, registry, clock));
        } catch (InvalidConfigException e) {
            throw settings.attributed(e);
        }
        // Everything is read: the parsed tree (about 35 KB per ping-client target) must not live on while the
        // engine starts, or the heap has to hold both at once.
        settings = null;
        Readiness readiness = new Readiness();
        readiness.details(engine::readinessDetails);
        AdminServer admin = AdminServer.start(adminBind, adminPort, registry, engine.metricFamilies(), readiness,
                engine::routing);
        List<Endpoint> bound = new ArrayList<>();
        try {
            bound.addAll(engine.start());
        } catch (RuntimeException e) {
            engine.close();
            admin.stop();
            throw e;
        }
        bound.add(Endpoint.tcp("admin", admin.address()));
        readiness.markReady();
        long startMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        return new RunningService(service, engine, admin, readiness, registry, List.copyOf(bound), drainTimeout,
                startMillis);
    }

    /** The start line of docs/architecture.md: {@code ping-server started in 388 ms: lab=udp/127.0.0.1:12000 ...}. */
    public String startLine() {
        return service.name() + " started in " + startMillis + " ms: "
                + endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(" "))
                + engine.startLineNotes().stream().map(note -> " " + note).collect(Collectors.joining());
    }

    /** Every bound listener, the admin socket last. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The listener called {@code name}. */
    public Endpoint endpoint(String name) {
        return endpoints.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no listener named " + name));
    }

    /** The registry the service exports. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** What {@code /metrics} serves now: the registry's families and the engine's own. */
    public String scrape() {
        return Exposition.scrape(registry, engine.metricFamilies());
    }

    /** Whether {@code /health/ready} answers 200. */
    public boolean isReady() {
        return readiness.isReady();
    }

    /** Asks the service to stop; {@link #awaitStop()} does the work. Safe from a signal handler. */
    public void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Blocks until a stop is requested, then drains and closes.
     *
     * @return the exit code: 0 after a clean stop
     */
    public int awaitStop() throws InterruptedException {
        stopRequested.await();
        if (!stopping.compareAndSet(false, true)) {
            stopped.await();
            return 0;
        }
        try {
            readiness.markNotReady();
            engine.stopAccepting();
            if (!engine.awaitDrained(drainTimeout)) {
                LOG.warning(() -> service.name() + ": work still in flight after the drain timeout of "
                        + drainTimeout.toMillis() + " ms; closing anyway");
            }
            engine.close();
            admin.stop();
            registry.close();
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /** Requests a stop and waits for it: what tests call. */
    @Override
    public void close() {
        requestStop();
        try {
            awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

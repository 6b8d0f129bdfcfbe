package dev.netlab.mailclient.service;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.Engine;
import dev.netlab.kit.lifecycle.ServiceContext;
import dev.netlab.mailclient.api.MessagesApi;
import dev.netlab.mailclient.outbox.Durability;
import dev.netlab.mailclient.outbox.Outbox;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.SmtpMetrics;
import io.helidon.webserver.http.HttpRouting;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The mail service: the outbox, the API that fills it, and the workers that empty it into the relay. Without a
 * relay the API still accepts and the messages wait; the start line and {@code /health/ready} say so.
 */
public final class MailEngine implements Engine {

    private static final System.Logger LOG = System.getLogger(MailEngine.class.getName());

    /** The most bytes of accepted messages held in memory for their delivery. */
    static final long MAX_MEMORY_BUDGET = 16L * 1024 * 1024;

    private final MailSettings settings;
    private final Outbox outbox;
    private final MessagesApi api;
    private final Optional<DeliveryWorkers> workers;

    private MailEngine(MailSettings settings, Outbox outbox, MessagesApi api, Optional<DeliveryWorkers> workers) {
        this.settings = settings;
        this.outbox = outbox;
        this.api = api;
        this.workers = workers;
    }

    /**
     * Reads {@code mailclient.*}, opens the outbox (loading what a previous run left) and registers the meters.
     *
     * @throws InvalidConfigException on a bad setting or an outbox directory that cannot be used
     */
    public static MailEngine create(ServiceContext context, Resolver resolver, Function<String, String> getenv) {
        MailSettings settings = MailSettings.read(context.settings(), getenv);
        AtomicReference<SmtpMetrics> metrics = new AtomicReference<>();
        AtomicReference<Outbox> opened = new AtomicReference<>();
        metrics.set(new SmtpMetrics(context.registry(), () -> {
            Outbox o = opened.get();
            return o == null ? 0 : o.waiting();
        }));
        Outbox outbox;
        try {
            outbox = Outbox.open(settings.outboxDir(), context.clock(), settings.retry(), new SecureRandom(),
                    (file, reason) -> metrics.get().corruptFile(), Durability.FSYNC,
                    settings.relay().isPresent() ? memoryBudget(Runtime.getRuntime().maxMemory()) : 0);
        } catch (IOException | RuntimeException e) {
            throw InvalidConfigException.invalid("mailclient.outbox.dir", settings.outboxDir().toString(),
                    "cannot use it as the outbox: " + e.getMessage());
        }
        opened.set(outbox);
        MessagesApi api = new MessagesApi(outbox, settings.limits(), settings.apiToken(), context.clock());
        Optional<DeliveryWorkers> workers = settings.relay().map(relay -> new DeliveryWorkers(outbox, relay,
                resolver, metrics.get(), context.clock()));
        return new MailEngine(settings, outbox, api, workers);
    }

    /**
     * The bytes of accepted messages held for delivery without reading them back: a sixteenth of the heap, at most
     * {@link #MAX_MEMORY_BUDGET}. With no relay nothing is held (nothing will be delivered soon), so the service's
     * memory stays flat however many messages wait.
     */
    static long memoryBudget(long maxHeap) {
        return Math.min(MAX_MEMORY_BUDGET, maxHeap / 16);
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        api.routing(routing);
    }

    @Override
    public List<Endpoint> start() {
        workers.ifPresent(w -> w.start(settings.concurrency()));
        return List.of();
    }

    @Override
    public List<String> startLineNotes() {
        return List.of(settings.relay().map(MailEngine::relay).orElse("relay=none (messages stay queued)"),
                "outbox=" + settings.outboxDir());
    }

    @Override
    public Map<String, String> readinessDetails() {
        return settings.relay().isPresent()
                ? Map.of("relay", relay(settings.relay().get()).substring("relay=".length()))
                : Map.of("relay", "none: no mailclient.relay.server is configured, so messages are accepted and"
                        + " stay queued");
    }

    private static String relay(SessionOptions relay) {
        String host = relay.host().contains(":") ? "[" + relay.host() + "]" : relay.host();
        return "relay=smtp/" + host + ":" + relay.port();
    }

    @Override
    public void stopAccepting() {
        api.stopAccepting();
        workers.ifPresent(DeliveryWorkers::stopTaking);
    }

    @Override
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return workers.isEmpty() || workers.get().awaitIdle(timeout);
    }

    @Override
    public void close() {
        workers.ifPresent(DeliveryWorkers::close);
        try {
            outbox.close();
        } catch (IOException e) {
            // Nothing is lost: a segment left open is read like any other at the next start.
            LOG.log(System.Logger.Level.WARNING, "outbox: cannot roll its segment at stop: " + e.getMessage());
        }
    }

    /** The outbox (tests look at it). */
    public Outbox outbox() {
        return outbox;
    }
}

package dev.netlab.watch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/** Reads every service at once, each within the client's timeout; a service that cannot be read is down. */
final class Collector {

    private final AdminAddresses addresses;
    private final AdminClient client;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final PingClientReader pingClient = new PingClientReader();
    private final PingServerReader pingServer = new PingServerReader();
    private final WebServerReader webServer = new WebServerReader();
    private final MailClientReader mailClient = new MailClientReader();

    Collector(AdminAddresses addresses, AdminClient client, Clock clock, LongSupplier nanoTime) {
        this.addresses = addresses;
        this.client = client;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /** One reading of every service, taken in parallel. */
    Figures collect() throws InterruptedException {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Reading<Figures.PingClient>> pc = executor.submit(() -> read(ServiceName.PING_CLIENT, pingClient));
            Future<Reading<Figures.PingServer>> ps = executor.submit(() -> read(ServiceName.PING_SERVER, pingServer));
            Future<Reading<Figures.WebServer>> ws = executor.submit(() -> read(ServiceName.WEB_SERVER, webServer));
            Future<Reading<Figures.MailClient>> mc = executor.submit(() -> read(ServiceName.MAIL_CLIENT, mailClient));
            return new Figures(clock.instant(), pc.get(), ps.get(), ws.get(), mc.get());
        } catch (ExecutionException e) {
            // read() catches everything a reader throws; this is a bug, not a down service.
            throw new IllegalStateException(e.getCause());
        }
    }

    private <T> Reading<T> read(ServiceName service, ServiceReader<T> reader) throws InterruptedException {
        AdminAddress address = addresses.of(service);
        try {
            return new Reading.Up<>(address.toString(), reader.read(client, address, nanoTime));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            reader.reset();
            return new Reading.Down<>(address.toString(), reason(e));
        }
    }

    /** Why a service could not be read, in a few words. */
    String reason(Exception e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + client.timeout().toMillis() + " ms";
        }
        if (e instanceof IllegalArgumentException) {
            return "unreadable answer: " + e.getMessage();
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}

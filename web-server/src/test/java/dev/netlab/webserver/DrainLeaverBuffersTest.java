package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that leaves in a drain waits there for its next request holding no exchange buffers: at 1,000
 * connections a drain holds hundreds of leavers, and each one that kept its lease made the next connection served
 * take a new one (48 KiB, 16 of them direct) once the pool of 64 was empty, megabytes per drain that were still live
 * at the next young collection and promoted in pauses of 15-50 ms.
 */
class DrainLeaverBuffersTest {

    private static final Duration ENDS = Duration.ofSeconds(5);

    @TempDir
    Path root;

    @Test
    void aLeaverGivesItsBuffersBackBeforeItParks() throws Exception {
        CountDownLatch holdCanary = new CountDownLatch(1);
        CountDownLatch canaryHeld = new CountDownLatch(1);
        CountDownLatch canaryMayRun = new CountDownLatch(1);
        SchedulerWatch watch = HeldCanaryWatch.from(holdCanary, canaryHeld, canaryMayRun);
        WebServerConfig config = WebServerConfig.from(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("webserver.port", "0", "webserver.root", root.toString())));
        WebServerEngine engine = new WebServerEngine(config, head -> Response.error(Status.NOT_FOUND, null),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
        engine.useWatch(watch);
        try (RawHttp client = RawHttp.connect(engine.start().get(0).port())) {
            // The first request before the held drain: a new connection whose request is not in yet may leave at its
            // first turn, which would hold it (and its answer) for the whole drain. A drain may still open and end
            // meanwhile (the free canary late by a turn, 1 ms), and the connection leave in it: what counts below is
            // where the connection waits, not how often it left since its start.
            RawHttp.Reply first = client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n").read();
            // Held at once: the watcher sleeps once no request has come for 50 ms, and a canary held after that
            // opens no drain until the next request (the first assertion in a fresh JVM can take that long to load).
            holdCanary.countDown();
            assertThat(first.status()).isEqualTo(404);
            // A drain seen on before the canary is held may still end (the canary about to end it) and leave /b
            // to be answered with no drain on.
            Poll.until(ENDS, "a drain on with the canary held",
                    () -> canaryHeld.getCount() == 0 && watch.draining());

            // Woken by its next request, the thread serves it and reaches the drain after the answer (or it is in
            // this drain already, having reached it after /a, and waits with /b unread).
            client.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            Poll.until(ENDS, "the connection waits in the drain", () -> watch.leaversInWakeOrder().size() == 1);
            assertThat(watch.leaversInWakeOrder().get(0).getName()).startsWith("web-connection-");
            assertThat(engine.idleBuffers()).as("leases in the pool while the only connection waits in a drain")
                    .isEqualTo(1);

            canaryMayRun.countDown();
            Poll.until(ENDS, "the drain ended", () -> !watch.draining());
            assertThat(client.read().status()).isEqualTo(404);
            assertThat(client.send("GET /c HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(404);
        } finally {
            holdCanary.countDown();
            canaryMayRun.countDown();
            engine.stopAccepting();
            assertThat(engine.awaitDrained(Duration.ofSeconds(5))).isTrue();
            engine.close();
        }
    }
}

package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.metrics.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handler that fails is a 500 for that request, never a dead server. */
class EngineFailureTest {

    @TempDir
    Path root;

    @Test
    void aFailingHandlerAnswers500AndTheServerKeepsServing() throws Exception {
        WebServerConfig config = WebServerConfig.from(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("webserver.port", "0", "webserver.root", root.toString())));
        AtomicInteger calls = new AtomicInteger();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WebServerEngine engine = new WebServerEngine(config, head -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("handler bug");
            }
            return dev.netlab.webserver.http.Response.error(dev.netlab.webserver.http.Status.NOT_FOUND, null);
        }, registry, Clock.systemUTC());
        try {
            List<Endpoint> endpoints = engine.start();
            int port = endpoints.get(0).port();
            RawHttp.Reply failed = RawHttp.get(port, "/x");
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.text()).doesNotContain("handler bug");
            assertThat(RawHttp.get(port, "/x").status()).isEqualTo(404);
            // A request is counted once its answer is written: the client may read it first.
            Poll.until(Duration.ofSeconds(5), "the 500 counted", () -> PrometheusText.parse(registry.scrape())
                    .valueOf("webserver_requests_total", "method", "GET", "status", "500") == 1);
        } finally {
            engine.stopAccepting();
            assertThat(engine.awaitDrained(Duration.ofSeconds(5))).isTrue();
            engine.close();
        }
    }
}

package dev.netlab.kit.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.MeterRegistries;
import dev.netlab.kit.metrics.MetricFamilies;
import dev.netlab.kit.metrics.PrometheusText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Readiness readiness = new Readiness();
    private PrometheusMeterRegistry registry;
    private AdminServer admin;

    @BeforeEach
    void start() {
        registry = MeterRegistries.create(Map.of("node", "test-node"));
        Counter.builder("demo.events").description("Events the demo saw").register(registry);
        admin = AdminServer.start(InetAddress.getLoopbackAddress(), 0, registry, readiness,
                routing -> routing.get("/api/echo", (req, res) -> Json.send(res, Map.of("echo", "yes"))));
    }

    @AfterEach
    void stop() {
        admin.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
        // Generous: a cold Helidon's first answer took 11 s on a machine with both cores busy.
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAreStrictPrometheusTextWithHelpForEveryFamily() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        PrometheusText.Scrape scrape = PrometheusText.parse(response.body());
        assertThat(scrape.families().values()).allSatisfy(f -> assertThat(f.help()).isNotBlank());
        assertThat(scrape.families()).containsKeys("demo_events_total", "jvm_memory_used_bytes", "jvm_classes_loaded_classes",
                "process_cpu_usage", "process_files_open_files", "process_uptime_seconds", "jvm_threads_live_threads",
                "process_resident_memory_bytes");
        assertThat(scrape.valueOf("demo_events_total", "node", "test-node")).isZero();
        // The deadlines' counter, at zero for each kind before any connection is closed.
        assertThat(scrape.valueOf("admin_timeouts_total", "kind", "head")).isZero();
        assertThat(scrape.valueOf("admin_timeouts_total", "kind", "body")).isZero();
        assertThat(scrape.valueOf("admin_timeouts_total", "kind", "send")).isZero();
        assertThat(scrape.valueOf("process_resident_memory_bytes")).isGreaterThan(1_000_000);
    }

    @Test
    void aServicesOwnFamiliesAreStreamedWithTheRegistrys() throws Exception {
        // Large enough to pass through several of the writer's buffers: 20,000 series.
        AtomicBoolean onVirtualThread = new AtomicBoolean(true);
        MetricFamilies own = new MetricFamilies() {
            @Override
            public List<String> names() {
                return List.of("own_series");
            }

            @Override
            public void write(String name, Writer out) throws IOException {
                onVirtualThread.set(Thread.currentThread().isVirtual());
                out.write("# HELP own_series Own\n# TYPE own_series gauge\n");
                for (int i = 0; i < 20_000; i++) {
                    out.write("own_series{i=\"" + i + "\"} " + i + ".0\n");
                }
            }
        };
        admin.stop();
        admin = AdminServer.start(InetAddress.getLoopbackAddress(), 0, registry, List.of(own), readiness, routing -> {
        });

        HttpResponse<String> response = get("/metrics");

        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        PrometheusText.Scrape scrape = PrometheusText.parse(response.body());
        assertThat(scrape.samples("own_series")).hasSize(20_000);
        assertThat(scrape.valueOf("own_series", "i", "19999")).isEqualTo(19_999.0);
        assertThat(scrape.valueOf("demo_events_total", "node", "test-node")).isZero();
        // The deadlines' counter, at zero for each kind before any connection is closed.
        assertThat(scrape.valueOf("admin_timeouts_total", "kind", "head")).isZero();
        assertThat(scrape.valueOf("admin_timeouts_total", "kind", "body")).isZero();
        assertThat(scrape.valueOf("admin_timeouts_total", "kind", "send")).isZero();
        assertThat(onVirtualThread).as("written on a platform thread, which the OS preempts").isFalse();
    }

    @Test
    void readinessIsUnavailableUntilTheEngineReportsReady() throws Exception {
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/health/live").statusCode()).as("alive while not ready").isEqualTo(200);

        readiness.markReady();
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"UP\"}");

        readiness.markNotReady();
        assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void theEnginesReadinessDetailsFollowTheStatusInTheBody() throws Exception {
        readiness.details(() -> Map.of("relay", "none"));
        readiness.markReady();
        assertThat(get("/health/ready").body()).isEqualTo("{\"status\":\"UP\",\"relay\":\"none\"}");
    }

    @Test
    void aServiceAddsItsOwnRoutes() throws Exception {
        HttpResponse<String> response = get("/api/echo");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"echo\":\"yes\"}");
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void aListenerThatStoppedAcceptingIsReplacedOnTheSamePort() throws Exception {
        // What Helidon does on a failed accept (out of descriptors): its listener ends, the server object stays.
        var died = admin.current();
        died.stop();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status = -1;
        while (status != 200 && System.nanoTime() < deadline) {
            try {
                status = get("/health/live").statusCode();
            } catch (java.io.IOException e) {
                // refused until the replacement is bound: poll again shortly
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            }
        }
        assertThat(status).isEqualTo(200);
        assertThat(admin.current()).isNotSameAs(died);
    }
}

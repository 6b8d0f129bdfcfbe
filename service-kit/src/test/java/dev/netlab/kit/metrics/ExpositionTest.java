package dev.netlab.kit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpositionTest {

    private final PrometheusMeterRegistry registry = MeterRegistries.create(Map.of("node", "n1"));

    /** Two families a service writes itself, one sorting among the JVM's, one after every other. */
    private final MetricFamilies own = new MetricFamilies() {
        @Override
        public List<String> names() {
            return List.of("jvm_own_total", "zz_own_total");
        }

        @Override
        public void write(String name, Writer out) throws IOException {
            out.write("# HELP " + name + " Own\n# TYPE " + name + " counter\n" + name + "{node=\"n1\"} 1.0\n");
        }
    };

    @Test
    void withoutOwnFamiliesTheTextIsTheRegistrysAsItIs() {
        // No JVM meters: their values move between two scrapes.
        PrometheusMeterRegistry plain = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("demo.events").description("Events").register(plain).increment();

        assertThat(Exposition.scrape(plain, List.of())).isEqualTo(plain.scrape()).contains("demo_events_total 1.0");
    }

    @Test
    void ownFamiliesAreMergedWhereTheirNamesSortAndTheRestIsUnchanged() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Exposition.write(registry, List.of(own), out);
        String text = out.toString(StandardCharsets.UTF_8);

        List<String> names = PrometheusText.parse(text).families().keySet().stream().toList();
        assertThat(names.indexOf("jvm_own_total")).isEqualTo(names.indexOf("jvm_memory_used_bytes") + 1);
        assertThat(names.getLast()).isEqualTo("zz_own_total");
        String without = text.replace("# HELP jvm_own_total Own\n# TYPE jvm_own_total counter\n"
                + "jvm_own_total{node=\"n1\"} 1.0\n", "").replace("# HELP zz_own_total Own\n"
                + "# TYPE zz_own_total counter\nzz_own_total{node=\"n1\"} 1.0\n", "");
        assertThat(Exposition.chunks(without)).extracting(Exposition.Chunk::name)
                .isEqualTo(Exposition.chunks(registry.scrape()).stream().map(Exposition.Chunk::name).toList());
    }
}

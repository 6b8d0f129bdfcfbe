package dev.netlab.kit.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeterRegistriesTest {

    private final PrometheusMeterRegistry registry = MeterRegistries.create(Map.of());

    @Test
    void processCpuTimeIsExportedInSecondsUnderThePrometheusName() {
        PrometheusText.Scrape scrape = PrometheusText.parse(registry.scrape());

        assertThat(scrape.families().get("process_cpu_seconds_total").type()).isEqualTo("counter");
        assertThat(scrape.valueOf("process_cpu_seconds_total")).isGreaterThan(0).isLessThan(3600);
    }

    @Test
    void namesThatPromtoolRejectsAreNotExported() {
        // promtool check metrics: "abbreviated units" and "_count suffix" on a gauge.
        PrometheusText.Scrape scrape = PrometheusText.parse(registry.scrape());

        assertThat(scrape.families()).doesNotContainKeys("process_cpu_time_ns_total", "system_cpu_count");
    }
}

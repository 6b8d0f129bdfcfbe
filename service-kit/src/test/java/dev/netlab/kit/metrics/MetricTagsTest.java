package dev.netlab.kit.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricTagsTest {

    private static Map<String, String> read(String name, String value) {
        Settings settings = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("metrics.tags." + name, value));
        return MetricTags.read(settings);
    }

    @Test
    void aValidTagIsOnEveryMeterAndTheScrapeStillParses() {
        Map<String, String> tags = read("node", "node-1");
        assertThat(tags).containsExactly(Map.entry("node", "node-1"));
        PrometheusMeterRegistry registry = MeterRegistries.create(tags);
        PrometheusText.Scrape scrape = PrometheusText.parse(registry.scrape());
        assertThat(scrape.families().values()).isNotEmpty().allSatisfy(family -> assertThat(family.samples())
                .allSatisfy(sample -> assertThat(sample.labels()).containsEntry("node", "node-1")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "le|0.5|'le' is a label our meters or Prometheus already set",
        "quantile|x|'quantile' is a label our meters or Prometheus already set",
        "status|x|'status' is a label our meters or Prometheus already set",
        "job|x|'job' is a label our meters or Prometheus already set",
        "__name__|x|label names starting with __ are reserved by Prometheus",
        "my-tag|x|'my-tag' is not a Prometheus label name: expected [a-zA-Z_][a-zA-Z0-9_]*",
        "1node|x|'1node' is not a Prometheus label name",
        "node|' '|expected a label value of 1 to 256 characters without control characters",
    })
    void aTagThatWouldBreakOrShadowALabelIsRefusedNamingTheKey(String name, String value, String reason) {
        assertThatThrownBy(() -> read(name, value))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid configuration: metrics.tags." + name + " = '" + value + "': ")
                .hasMessageContaining(reason);
    }

    @Test
    void everyLabelTheKitsOwnMetersCarryIsReserved() {
        PrometheusMeterRegistry registry = MeterRegistries.create(Map.of());
        System.gc();
        Set<String> labels = new TreeSet<>();
        PrometheusText.parse(registry.scrape()).families().values()
                .forEach(family -> family.samples().forEach(sample -> labels.addAll(sample.labels().keySet())));
        assertThat(labels).isNotEmpty();
        assertThat(MetricTags.RESERVED).containsAll(labels);
    }
}

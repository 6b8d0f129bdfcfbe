package dev.netlab.kit.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.netlab.kit.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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

    @Test
    void virtualThreadsOfTheSchedulerAreExportedWhereTheJdkHasItsMxBean() throws Exception {
        // JDK 24 added jdk.management.VirtualThreadSchedulerMXBean; on 21 to 23 the gauges are simply absent.
        assumeTrue(Runtime.version().feature() >= 24, "no VirtualThreadSchedulerMXBean before JDK 24");
        CountDownLatch release = new CountDownLatch(1);
        Thread parked = Thread.ofVirtual().start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            PrometheusText.Scrape scrape = PrometheusText.parse(registry.scrape());

            assertThat(scrape.families().get("jvm_threads_virtual_mounted").type()).isEqualTo("gauge");
            assertThat(scrape.valueOf("jvm_threads_virtual_mounted")).isGreaterThanOrEqualTo(0);
            assertThat(scrape.valueOf("jvm_threads_virtual_queued")).isGreaterThanOrEqualTo(0);
            assertThat(scrape.valueOf("jvm_threads_virtual_carriers")).isGreaterThanOrEqualTo(1);
        } finally {
            release.countDown();
            parked.join();
        }
    }
}

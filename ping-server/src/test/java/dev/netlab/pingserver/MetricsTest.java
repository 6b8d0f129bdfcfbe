package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.pingprotocol.Mode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metric names of docs/architecture.md on the real /metrics, every label value at zero before any traffic. */
class MetricsTest {

    @Test
    void everyContractSeriesIsExportedAtZeroWithHelp() throws Exception {
        try (ServerFixture server = ServerFixture.start(Map.of())) {
            PrometheusText.Scrape scrape = server.metrics();
            for (Mode mode : Mode.values()) {
                String m = mode.label();
                assertThat(scrape.valueOf("pingserver_packets_received_total", "mode", m)).isZero();
                assertThat(scrape.valueOf("pingserver_packets_reflected_total", "mode", m)).isZero();
                for (String reason : new String[] {"simulated", "malformed", "rate_limited"}) {
                    assertThat(scrape.valueOf("pingserver_packets_dropped_total", "mode", m, "reason", reason))
                            .isZero();
                }
                for (String kind : new String[] {"delayed", "duplicated", "reordered"}) {
                    assertThat(scrape.valueOf("pingserver_faults_total", "mode", m, "kind", kind)).isZero();
                }
            }
            assertThat(scrape.valueOf("pingserver_forward_lost_packets_total", "mode", "lab")).isZero();
            assertThat(scrape.valueOf("pingserver_forward_lost_packets_total", "mode", "stamp")).isZero();
            assertThat(scrape.valueOf("pingserver_senders", "state", "active")).isZero();
            assertThat(scrape.valueOf("pingserver_senders", "state", "stopped")).isZero();

            // Text format 0.0.4 declares a counter's TYPE under its sample name, _total included.
            for (String family : new String[] {"pingserver_packets_received_total",
                    "pingserver_packets_reflected_total", "pingserver_packets_dropped_total",
                    "pingserver_faults_total", "pingserver_forward_lost_packets_total"}) {
                assertThat(scrape.families()).containsKey(family);
                assertThat(scrape.families().get(family).type()).isEqualTo("counter");
                assertThat(scrape.families().get(family).help()).isNotBlank();
            }
            assertThat(scrape.families().get("pingserver_senders").type()).isEqualTo("gauge");
            assertThat(scrape.families().get("pingserver_senders").help()).isNotBlank();
            assertThat(scrape.samples("pingserver_packets_dropped_total")).hasSize(9);
            assertThat(scrape.samples("pingserver_faults_total")).hasSize(9);
            assertThat(scrape.families().keySet()).as("JVM and process meters too")
                    .anyMatch(name -> name.startsWith("jvm_")).anyMatch(name -> name.startsWith("process_"));
        }
    }

    @Test
    void trafficMovesTheCounters() throws Exception {
        try (ServerFixture server = ServerFixture.start(Map.of("pingserver.listeners.lab.loss", "0"));
             UdpProbe probe = new UdpProbe()) {
            probe.roundTrip("ping".getBytes(), server.port(Mode.LAB));
            probe.roundTrip("ping".getBytes(), server.port(Mode.ECHO));
            server.awaitValue(1, "pingserver_packets_reflected_total", "mode", "lab");
            server.awaitValue(1, "pingserver_packets_reflected_total", "mode", "echo");
            PrometheusText.Scrape scrape = server.metrics();
            assertThat(scrape.valueOf("pingserver_packets_received_total", "mode", "lab")).isEqualTo(1);
            assertThat(scrape.valueOf("pingserver_packets_reflected_total", "mode", "lab")).isEqualTo(1);
            assertThat(scrape.valueOf("pingserver_packets_reflected_total", "mode", "echo")).isEqualTo(1);
            assertThat(scrape.valueOf("pingserver_packets_received_total", "mode", "stamp")).isZero();
        }
    }
}

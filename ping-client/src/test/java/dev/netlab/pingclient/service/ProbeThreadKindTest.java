package dev.netlab.pingclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.metrics.Exposition;
import dev.netlab.kit.metrics.MeterRegistries;
import dev.netlab.kit.metrics.PrometheusText;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pingclient.receive-thread}: the thread each probe stream runs on. */
class ProbeThreadKindTest {

    @TempDir
    Path dir;

    @Test
    void probeStreamsRunOnVirtualThreadsByDefault() throws Exception {
        // Virtual threads never show in Thread.getAllStackTraces(); platform ones do.
        assertThat(probeThreadIsPlatform(null)).isFalse();
    }

    @Test
    void platformPutsEachProbeStreamOnAPlatformThread() throws Exception {
        assertThat(probeThreadIsPlatform("platform")).isTrue();
    }

    /** Probes a silent socket until the stream has sent, then says whether its thread is a platform thread. */
    private boolean probeThreadIsPlatform(String kind) throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Path file = dir.resolve("c.yaml");
            Files.writeString(file, "pingclient:\n" + (kind == null ? "" : "  receive-thread: " + kind + "\n")
                    + "  targets:\n    - host: " + silent.getLocalAddress().getHostAddress() + "\n      port: "
                    + silent.getLocalPort() + "\n      mode: echo\n      name: kind-test\n      interval: 10ms\n");
            ProberConfig config = ProberConfig.read(ConfigLoader.load(Optional.of(file), Map.of(), Map.of()));
            ProberEngine engine = new ProberEngine(config, Map.of(), Clock.systemUTC(), Resolver.system());
            engine.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> PrometheusText.parse(Exposition.scrape(
                        MeterRegistries.create(Map.of()), engine.metricFamilies()))
                        .value("pingclient_packets_sent_total", "target", "kind-test").orElse(0.0) > 0);
                return Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().startsWith("probe-kind-test-") && !t.isVirtual());
            } finally {
                engine.stopAccepting();
                engine.awaitDrained(Duration.ofSeconds(10));
                engine.close();
            }
        }
    }
}

package dev.netlab.pingclient.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.metrics.Exposition;
import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.pingclient.probe.ErrorKind;
import dev.netlab.pingclient.probe.ProbeEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The ping-client's own writer against what Micrometer's Prometheus registry wrote for the same meters (the service's
 * output before the writer): the same text, byte for byte, for a fixture of pairs with extra and constant labels,
 * escaping, two names on one address, and unresolved names.
 */
class PingFamiliesTest {

    private static final Map<String, String> CONSTANT = Map.of("node", "n1");
    private final MockClock clock = new MockClock();
    private final PrometheusMeterRegistry micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), clock);
    private final PingFamilies ours = new PingFamilies();
    private final List<Pair> pairs = new ArrayList<>();

    PingFamiliesTest() {
        micrometer.config().commonTags(List.of(Tag.of("node", "n1")));
    }

    /** One pair, fed to both sides. */
    private record Pair(ProbeEvents micrometer, StreamCounters ours) {
    }

    private Pair pair(String target, String address, String zone, double jitter) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("target", target);
        labels.put("address", address);
        labels.put("zone", zone);
        StreamCounters counters = new StreamCounters(SeriesLabels.of(CONSTANT, labels), () -> jitter,
                () -> clock.wallTime());
        ours.add(counters);
        Pair pair = new Pair(new MicrometerMeters(micrometer, Tags.of("target", target, "address", address, "zone",
                zone), jitter), counters);
        pairs.add(pair);
        return pair;
    }

    private AtomicLong unresolved(String target, String zone) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("target", target);
        labels.put("address", "unresolved");
        labels.put("zone", zone);
        return ours.addUnresolved(SeriesLabels.of(CONSTANT, labels));
    }

    private String oursText() {
        PrometheusMeterRegistry empty = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new PrometheusRegistry(), clock);
        return Exposition.scrape(empty, List.of(ours));
    }

    @Test
    void writesWhatMicrometerWroteForTheSameCounts() {
        // A failure prints its seed; -Dpingfamilies.seed=N runs that case again.
        long seed = Long.getLong("pingfamilies.seed", System.nanoTime());
        Random random = new Random(seed);
        pair("t2", "127.0.0.1:7", "", 0.0);
        pair("a\"b\\c\nd", "127.0.0.1:9", "z1", 0.000123);
        pair("other", "127.0.0.1:7", "z2", 1.5e-5);
        pair("v6", "[::1]:7", "z1", 2.0);
        for (String target : List.of("t2", "a\"b\\c\nd", "other", "v6")) {
            Counter resolve = Counter.builder("pingclient.errors").description(
                    "Datagrams and failures counted and dropped, by kind").tags("target", target, "address",
                    "unresolved", "zone", target.equals("t2") ? "" : "z1", "kind", "resolve").register(micrometer);
            AtomicLong count = unresolved(target, target.equals("t2") ? "" : "z1");
            int failures = random.nextInt(3);
            resolve.increment(failures);
            count.addAndGet(failures);
        }
        long[] rtts = {0, 49_999, 50_000, 50_001, 120_000, 1_000_000, 5_000_000_000L, 5_000_000_001L, 7_000_000_000L};
        for (int step = 0; step < 2_000; step++) {
            Pair pair = pairs.get(random.nextInt(pairs.size()));
            for (ProbeEvents events : List.of(pair.micrometer(), pair.ours())) {
                long seq = step;
                switch (step % 7) {
                    case 0, 1 -> events.sent(seq, 56, null);
                    case 2 -> events.received(seq, rtts[step % rtts.length], 56, null, step % 3 == 0, null);
                    case 3 -> events.lost(seq);
                    case 4 -> events.late(seq, 2_000_000_000L, 56, null);
                    case 5 -> events.duplicate(seq, 100_000, 56);
                    default -> events.error(ErrorKind.values()[step % ErrorKind.values().length], "x");
                }
            }
            if (step % 500 == 0) {
                clock.add(Duration.ofSeconds(50));
            }
        }

        String expected = micrometer.scrape();
        assertThat(oursText()).as("seed %d", seed).isEqualTo(expected);
        PrometheusText.parse(oursText());
    }

    @Test
    void aRemovedPairLeavesEveryFamily() {
        pair("gone", "127.0.0.1:1", "", 0.0);
        pair("kept", "127.0.0.1:2", "", 0.0);
        ours.remove(pairs.getFirst().ours().labels());

        PrometheusText.Scrape scrape = PrometheusText.parse(oursText());

        assertThat(scrape.families()).hasSize(10);
        assertThat(scrape.families().values()).allSatisfy(family -> assertThat(family.samples())
                .allSatisfy(sample -> assertThat(sample.labels()).containsEntry("target", "kept")));
    }

    @Test
    void theDecayingMaximumFollowsMicrometersWindow() {
        Pair pair = pair("t", "127.0.0.1:7", "", 0.0);
        for (int second = 0; second < 400; second += 7) {
            if (second % 3 == 0) {
                pair.micrometer().received(second, second * 1_000_000L, 56, null, false, null);
                pair.ours().received(second, second * 1_000_000L, 56, null, false, null);
            }
            clock.add(Duration.ofSeconds(7));
            assertThat(PrometheusText.parse(oursText()).valueOf("pingclient_rtt_seconds_max"))
                    .as("at %d s", second)
                    .isEqualTo(PrometheusText.parse(micrometer.scrape()).valueOf("pingclient_rtt_seconds_max"));
        }
    }

    @Test
    void aLargeValueDecaysWhenMicrometersDoes() {
        // A large value, then smaller ones: the maximum shown falls back exactly when Micrometer's does.
        Pair pair = pair("t", "127.0.0.1:7", "", 0.0);
        for (int second = 0; second < 400; second += 10) {
            if (second == 100 || second == 150 || second == 200) {
                long rtt = second == 100 ? 7_000_000_000L : 5_000_000_001L;
                pair.micrometer().received(second, rtt, 56, null, false, null);
                pair.ours().received(second, rtt, 56, null, false, null);
            }
            assertThat(PrometheusText.parse(oursText()).valueOf("pingclient_rtt_seconds_max"))
                    .as("at %d s", second)
                    .isEqualTo(PrometheusText.parse(micrometer.scrape()).valueOf("pingclient_rtt_seconds_max"));
            clock.add(Duration.ofSeconds(10));
        }
    }

    /** The meters the service registered with Micrometer before it wrote its families itself. */
    private static final class MicrometerMeters implements ProbeEvents {

        private final Timer rtt;
        private final Map<String, Counter> counters = new LinkedHashMap<>();
        private final Map<ErrorKind, Counter> errors = new LinkedHashMap<>();

        MicrometerMeters(MeterRegistry registry, Tags tags, double jitter) {
            rtt = Timer.builder("pingclient.rtt").description("Round-trip time of replies received within their timeout")
                    .tags(tags).serviceLevelObjectives(StreamCounters.BUCKETS.toArray(Duration[]::new))
                    .register(registry);
            for (String[] c : new String[][] {{"sent", "Probes sent"},
                    {"received", "Replies received within their timeout"},
                    {"lost", "Probes whose timeout passed without a reply"},
                    {"late", "Replies after their probe's timeout (already counted lost)"},
                    {"duplicate", "Further replies to a probe already answered"},
                    {"reordered", "Replies that arrived after a later probe's reply"}}) {
                counters.put(c[0], Counter.builder("pingclient.packets." + c[0]).description(c[1]).tags(tags)
                        .register(registry));
            }
            Gauge.builder("pingclient.jitter", () -> jitter)
                    .description("RFC 3550 interarrival jitter of the round-trip time").baseUnit("seconds").tags(tags)
                    .register(registry);
            for (ErrorKind kind : ErrorKind.values()) {
                errors.put(kind, Counter.builder("pingclient.errors")
                        .description("Datagrams and failures counted and dropped, by kind").tags(tags)
                        .tag("kind", kind.label()).register(registry));
            }
        }

        @Override
        public void sent(long seq, int bytes, String text) {
            counters.get("sent").increment();
        }

        @Override
        public void received(long seq, long rttNanos, int bytes, String text, boolean reordered,
                             dev.netlab.pingclient.probe.OneWay oneWay) {
            counters.get("received").increment();
            rtt.record(rttNanos, TimeUnit.NANOSECONDS);
            if (reordered) {
                counters.get("reordered").increment();
            }
        }

        @Override
        public void late(long seq, long rttNanos, int bytes, dev.netlab.pingclient.probe.OneWay oneWay) {
            counters.get("late").increment();
        }

        @Override
        public void duplicate(long seq, long rttNanos, int bytes) {
            counters.get("duplicate").increment();
        }

        @Override
        public void lost(long seq) {
            counters.get("lost").increment();
        }

        @Override
        public void error(ErrorKind kind, String detail) {
            errors.get(kind).increment();
        }
    }
}

package dev.netlab.pingclient.service;

import dev.netlab.pingclient.probe.ErrorKind;
import dev.netlab.pingclient.probe.OneWay;
import dev.netlab.pingclient.probe.ProbeEvents;
import dev.netlab.pingclient.probe.StreamStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters (docs/architecture.md) of one {@code {target,address}} pair, all at zero when the address is first
 * known. A probe counts as lost when its timeout passes; a late reply increments {@code late} only, so
 * {@code lost / sent} stays a correct loss ratio.
 */
final class StreamMeters implements ProbeEvents {

    /** The histogram's buckets, 50 us to 5 s (the README lists them). */
    static final List<Duration> BUCKETS = List.of(
            Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(200_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5));

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Timer rtt;
    private final Counter sent;
    private final Counter received;
    private final Counter lost;
    private final Counter late;
    private final Counter duplicate;
    private final Counter reordered;
    private final Map<ErrorKind, Counter> errors = new EnumMap<>(ErrorKind.class);

    StreamMeters(MeterRegistry registry, Tags tags, StreamStats stats) {
        this.registry = registry;
        rtt = keep(Timer.builder("pingclient.rtt")
                .description("Round-trip time of replies received within their timeout")
                .tags(tags)
                .serviceLevelObjectives(BUCKETS.toArray(Duration[]::new))
                .register(registry));
        sent = counter("pingclient.packets.sent", "Probes sent", tags);
        received = counter("pingclient.packets.received", "Replies received within their timeout", tags);
        lost = counter("pingclient.packets.lost", "Probes whose timeout passed without a reply", tags);
        late = counter("pingclient.packets.late", "Replies after their probe's timeout (already counted lost)", tags);
        duplicate = counter("pingclient.packets.duplicate", "Further replies to a probe already answered", tags);
        reordered = counter("pingclient.packets.reordered", "Replies that arrived after a later probe's reply", tags);
        keep(Gauge.builder("pingclient.jitter", stats, StreamStats::jitterSeconds)
                .description("RFC 3550 interarrival jitter of the round-trip time")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry));
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind, errorCounter(registry, tags, kind));
            meters.add(errors.get(kind));
        }
    }

    /** {@code pingclient_errors_total} for one kind. */
    static Counter errorCounter(MeterRegistry registry, Tags tags, ErrorKind kind) {
        return Counter.builder("pingclient.errors")
                .description("Datagrams and failures counted and dropped, by kind")
                
                .tags(tags)
                .tag("kind", kind.label())
                .register(registry);
    }

    private Counter counter(String name, String description, Tags tags) {
        // No base unit: Prometheus would append it to the name docs/architecture.md fixes (_packets_total).
        return keep(Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    @Override
    public void sent(long seq, int bytes, String text) {
        sent.increment();
    }

    @Override
    public void received(long seq, long rttNanos, int bytes, String text, boolean wasReordered, OneWay oneWay) {
        received.increment();
        rtt.record(rttNanos, TimeUnit.NANOSECONDS);
        if (wasReordered) {
            reordered.increment();
        }
    }

    @Override
    public void late(long seq, long rttNanos, int bytes, OneWay oneWay) {
        late.increment();
    }

    @Override
    public void duplicate(long seq, long rttNanos, int bytes) {
        duplicate.increment();
    }

    @Override
    public void lost(long seq) {
        lost.increment();
    }

    @Override
    public void error(ErrorKind kind, String detail) {
        errors.get(kind).increment();
    }

    /** Removes this pair's series (the address left the name's resolution). */
    void remove() {
        meters.forEach(registry::remove);
    }
}

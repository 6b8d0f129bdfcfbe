package dev.netlab.pingclient.metrics;

import dev.netlab.kit.metrics.MetricFamilies;
import dev.netlab.pingclient.probe.ErrorKind;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ping-client's families (docs/architecture.md), written straight from every pair's {@link StreamCounters} into
 * the scrape: names, label order, number format and series order as Micrometer's registry wrote them, without a
 * snapshot of every series first (at 5,000 targets, 160,000 series: Micrometer's scrape allocated 226 MiB).
 */
public final class PingFamilies implements MetricFamilies {

    private static final String RTT = "pingclient_rtt_seconds";
    private static final String RTT_MAX = "pingclient_rtt_seconds_max";
    private static final String ERRORS = "pingclient_errors_total";
    private static final String JITTER = "pingclient_jitter_seconds";
    private static final String RTT_HELP = "Round-trip time of replies received within their timeout";
    /** The packet counters: family name, help, slot. */
    private static final List<Packets> PACKETS = List.of(
            new Packets("pingclient_packets_duplicate_total", "Further replies to a probe already answered",
                    StreamCounters.DUPLICATE),
            new Packets("pingclient_packets_late_total",
                    "Replies after their probe's timeout (already counted lost)", StreamCounters.LATE),
            new Packets("pingclient_packets_lost_total", "Probes whose timeout passed without a reply",
                    StreamCounters.LOST),
            new Packets("pingclient_packets_received_total", "Replies received within their timeout",
                    StreamCounters.RECEIVED),
            new Packets("pingclient_packets_reordered_total", "Replies that arrived after a later probe's reply",
                    StreamCounters.REORDERED),
            new Packets("pingclient_packets_sent_total", "Probes sent", StreamCounters.SENT));
    private static final List<String> NAMES;
    private static final ErrorKind[] KINDS_BY_LABEL = Arrays.stream(ErrorKind.values())
            .sorted(Comparator.comparing(ErrorKind::label)).toArray(ErrorKind[]::new);
    private static final String[] BOUNDS = Arrays.stream(StreamCounters.BOUNDS_NANOS)
            .mapToObj(nanos -> Double.toString(nanos / 1e9)).toArray(String[]::new);

    static {
        List<String> names = new ArrayList<>(List.of(ERRORS, JITTER, RTT, RTT_MAX));
        PACKETS.forEach(p -> names.add(p.name()));
        names.sort(null);
        NAMES = List.copyOf(names);
    }

    /** Every pair's counters and every name's count of failed resolutions, in series order. */
    private final ConcurrentSkipListMap<String, Member> series = new ConcurrentSkipListMap<>();

    /** Exports {@code counters} from now on, until {@link #remove}. */
    public void add(StreamCounters counters) {
        series.put(counters.labels().sortKey(), new Pair(counters));
    }

    /** A name's {@code kind="resolve"} count before it has any address ({@code address="unresolved"}). */
    public AtomicLong addUnresolved(SeriesLabels labels) {
        Unresolved unresolved = new Unresolved(labels, new AtomicLong());
        series.put(labels.sortKey(), unresolved);
        return unresolved.count();
    }

    /** Stops exporting the series with these labels. */
    public void remove(SeriesLabels labels) {
        series.remove(labels.sortKey());
    }

    @Override
    public List<String> names() {
        return NAMES;
    }

    @Override
    public void write(String name, Writer out) throws IOException {
        SampleWriter w = new SampleWriter(out);
        switch (name) {
            case ERRORS -> errors(w);
            case JITTER -> {
                w.family(JITTER, "RFC 3550 interarrival jitter of the round-trip time", "gauge");
                for (StreamCounters c : streams()) {
                    w.start(JITTER, c.labels()).decimal(c.jitterSeconds());
                }
            }
            case RTT -> rtt(w);
            case RTT_MAX -> {
                w.family(RTT_MAX, RTT_HELP, "gauge");
                for (StreamCounters c : streams()) {
                    w.start(RTT_MAX, c.labels()).decimal(c.maxSeconds());
                }
            }
            default -> {
                Packets packets = PACKETS.stream().filter(p -> p.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no family " + name));
                w.family(name, packets.help(), "counter");
                for (StreamCounters c : streams()) {
                    w.start(name, c.labels()).wholeDouble(c.count(packets.slot()));
                }
            }
        }
        w.flush();
    }

    private void rtt(SampleWriter w) throws IOException {
        w.family(RTT, RTT_HELP, "histogram");
        for (StreamCounters c : streams()) {
            long cumulative = 0;
            for (int i = 0; i < BOUNDS.length; i++) {
                cumulative += c.bucket(i);
                w.startBucket(RTT + "_bucket", c.labels(), BOUNDS[i]).integer(cumulative);
            }
            cumulative += c.bucket(BOUNDS.length);
            w.startBucket(RTT + "_bucket", c.labels(), "+Inf").integer(cumulative);
            w.start(RTT + "_count", c.labels()).integer(cumulative);
            w.start(RTT + "_sum", c.labels()).decimal(c.sumNanos() / 1e9);
        }
    }

    /** Series sorted by their labels with {@code kind} among them: pairs alike before {@code kind} interleave. */
    private void errors(SampleWriter w) throws IOException {
        w.family(ERRORS, "Datagrams and failures counted and dropped, by kind", "counter");
        List<Member> group = new ArrayList<>();
        for (Member next : series.values()) {
            if (!group.isEmpty() && !group.getFirst().labels().sameGroup(next.labels())) {
                errorGroup(w, group);
                group.clear();
            }
            group.add(next);
        }
        errorGroup(w, group);
    }

    private static void errorGroup(SampleWriter w, List<Member> group) throws IOException {
        for (ErrorKind kind : KINDS_BY_LABEL) {
            for (Member member : group) {
                switch (member) {
                    case Pair(StreamCounters c) ->
                            w.startKind(ERRORS, c.labels(), kind.label()).wholeDouble(c.errors(kind));
                    case Unresolved u when kind == ErrorKind.RESOLVE ->
                            w.startKind(ERRORS, u.labels(), kind.label()).wholeDouble(u.count().get());
                    case Unresolved u -> {
                    }
                }
            }
        }
    }

    /** The pairs' counters, in series order. */
    private Iterable<StreamCounters> streams() {
        return () -> series.values().stream().<StreamCounters>mapMulti((member, out) -> {
            if (member instanceof Pair(StreamCounters c)) {
                out.accept(c);
            }
        }).iterator();
    }

    /** One entry of the series order: a pair's counters, or a name's resolve failures before it has addresses. */
    private sealed interface Member permits Pair, Unresolved {
        SeriesLabels labels();
    }

    /** A {@code {target,address}} pair. */
    private record Pair(StreamCounters counters) implements Member {
        @Override
        public SeriesLabels labels() {
            return counters.labels();
        }
    }

    /** A packet counter family. */
    private record Packets(String name, String help, int slot) {
    }

    /** The resolve failures of a name without addresses. */
    private record Unresolved(SeriesLabels labels, AtomicLong count) implements Member {
    }
}

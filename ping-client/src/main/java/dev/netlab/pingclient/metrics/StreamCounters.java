package dev.netlab.pingclient.metrics;

import dev.netlab.pingclient.probe.ErrorKind;
import dev.netlab.pingclient.probe.OneWay;
import dev.netlab.pingclient.probe.ProbeEvents;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The counts of one {@code {target,address}} pair in one {@code long[]}: the six packet counters, the error kinds,
 * the RTT histogram's buckets, its sum and a decaying maximum, where Micrometer held a dozen meters (about 6.5 KB per
 * pair). A probe counts as lost when its timeout passes; a late reply increments {@code late} only, so
 * {@code lost / sent} stays a correct loss ratio.
 */
public final class StreamCounters implements ProbeEvents {

    /** The histogram's buckets, 50 us to 5 s (docs/architecture.md; the README lists them). */
    public static final List<Duration> BUCKETS = List.of(
            Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(200_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5));
    static final long[] BOUNDS_NANOS = BUCKETS.stream().mapToLong(Duration::toNanos).toArray();

    static final int SENT = 0;
    static final int RECEIVED = 1;
    static final int LOST = 2;
    static final int LATE = 3;
    static final int DUPLICATE = 4;
    static final int REORDERED = 5;
    private static final int ERRORS = 6;
    /** Non-cumulative bucket counts; the last one is above every bound. */
    private static final int BUCKET = ERRORS + ErrorKind.values().length;
    private static final int SUM_NANOS = BUCKET + BOUNDS_NANOS.length + 1;
    private static final int MAX = SUM_NANOS + 1;
    private static final int SLOTS = MAX + WindowMax.SLOTS;
    private static final VarHandle AT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[SLOTS];
    private final WindowMax max;
    private final SeriesLabels labels;
    private final DoubleSupplier jitterSeconds;

    /**
     * @param nowMillis     the clock of the decaying maximum (Micrometer's: three buffers, one reset every minute)
     * @param jitterSeconds what {@code pingclient_jitter_seconds} shows
     */
    public StreamCounters(SeriesLabels labels, DoubleSupplier jitterSeconds, LongSupplier nowMillis) {
        this.labels = labels;
        this.jitterSeconds = jitterSeconds;
        this.max = new WindowMax(counts, MAX, nowMillis);
    }

    public SeriesLabels labels() {
        return labels;
    }

    private void add(int slot, long delta) {
        AT.getAndAdd(counts, slot, delta);
    }

    /** The count in {@code slot}, as of now. */
    long count(int slot) {
        return (long) AT.getOpaque(counts, slot);
    }

    long errors(ErrorKind kind) {
        return count(ERRORS + kind.ordinal());
    }

    /** The non-cumulative count of bucket {@code i} ({@code BOUNDS_NANOS.length}: above every bound). */
    long bucket(int i) {
        return count(BUCKET + i);
    }

    long sumNanos() {
        return count(SUM_NANOS);
    }

    double maxSeconds() {
        return max.nanos() / 1e9;
    }

    double jitterSeconds() {
        return jitterSeconds.getAsDouble();
    }

    @Override
    public void sent(long seq, int bytes, String text) {
        add(SENT, 1);
    }

    @Override
    public void received(long seq, long rttNanos, int bytes, String text, boolean wasReordered, OneWay oneWay) {
        add(RECEIVED, 1);
        int bucket = 0;
        while (bucket < BOUNDS_NANOS.length && rttNanos > BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        add(BUCKET + bucket, 1);
        add(SUM_NANOS, rttNanos);
        max.record(rttNanos);
        if (wasReordered) {
            add(REORDERED, 1);
        }
    }

    @Override
    public void late(long seq, long rttNanos, int bytes, OneWay oneWay) {
        add(LATE, 1);
    }

    @Override
    public void duplicate(long seq, long rttNanos, int bytes) {
        add(DUPLICATE, 1);
    }

    @Override
    public void lost(long seq) {
        add(LOST, 1);
    }

    @Override
    public void error(ErrorKind kind, String detail) {
        add(ERRORS + kind.ordinal(), 1);
    }
}

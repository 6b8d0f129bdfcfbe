package dev.netlab.pingclient.probe;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything counted about one probe stream, updated on the stream's thread and read by the API and the summary.
 * Late replies and duplicates never change {@code received}; a lost probe stays lost.
 */
public final class StreamStats implements ProbeEvents {

    /** One probe's fate, for the command's JSON. */
    public record ProbeRecord(long seq, String status, Double rttMs) {
    }

    /** STAMP's one-way view: delays (clock-dependent) and, with a stateful reflector, where packets were lost. */
    public record StampSnapshot(boolean statefulReflector, long forwardLost, long reverseLost,
                                double forwardMinMs, double forwardAvgMs, double forwardMaxMs,
                                double reverseMinMs, double reverseAvgMs, double reverseMaxMs) {
    }

    /** A consistent copy of the counts. */
    public record Snapshot(long sent, long received, long lost, long late, long duplicates, long reordered,
                           double lossPercent, RttSummary rtt, double jitterNanos, Map<ErrorKind, Long> errors,
                           String lastError, StampSnapshot stamp, List<ProbeRecord> probes) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final RttWindow window;
    private final Jitter jitter = new Jitter();
    private final Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
    private final Map<Long, ProbeRecord> probes;
    private final int probeMemory;
    private long sent;
    private long received;
    private long lost;
    private long decided;
    private long late;
    private long duplicates;
    private long reordered;
    private String lastError;
    // STAMP
    private boolean stamped;
    private boolean stateful;
    private long maxReflectorSeq = -1;
    private long senderSeqAtMax = -1;
    private long minReflectorSeq = Long.MAX_VALUE;
    private long senderSeqAtMin = -1;
    private long uniqueReplies;
    private long forwardMin = Long.MAX_VALUE;
    private long forwardMax = Long.MIN_VALUE;
    private double forwardSum; // doubles: a reflector's timestamps can make any delay, and sums must not wrap
    private long reverseMin = Long.MAX_VALUE;
    private long reverseMax = Long.MIN_VALUE;
    private double reverseSum;
    private long oneWayCount;

    /**
     * @param window      how many recent round trips the summary covers
     * @param probeMemory how many per-probe records to keep (0: none, as the service keeps)
     */
    public StreamStats(int window, int probeMemory) {
        this.window = new RttWindow(window);
        this.probeMemory = probeMemory;
        this.probes = new LinkedHashMap<>();
    }

    @Override
    public void sent(long seq, int bytes, String text) {
        lock.lock();
        try {
            sent++;
            record(seq, "timeout", null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void received(long seq, long rttNanos, int bytes, String text, boolean wasReordered, OneWay oneWay) {
        lock.lock();
        try {
            received++;
            if (wasReordered) {
                reordered++;
            }
            window.add(rttNanos);
            jitter.add(rttNanos);
            record(seq, "ok", rttNanos / 1_000 / 1_000.0);
            stamp(oneWay);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void late(long seq, long rttNanos, int bytes, OneWay oneWay) {
        lock.lock();
        try {
            late++;
            record(seq, "late", rttNanos / 1_000 / 1_000.0);
            // The reflector saw it; only the one-way counts learn from a late reply, never loss or RTT.
            if (oneWay != null) {
                stamped = true;
                uniqueReplies++;
                reflector(oneWay);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void duplicate(long seq, long rttNanos, int bytes) {
        lock.lock();
        try {
            duplicates++;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void lost(long seq) {
        lock.lock();
        try {
            lost++;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void decided(long seq) {
        lock.lock();
        try {
            decided++;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void error(ErrorKind kind, String detail) {
        lock.lock();
        try {
            errors.merge(kind, 1L, Long::sum);
            lastError = kind.label() + ": " + detail;
        } finally {
            lock.unlock();
        }
    }

    /** Notes a failure that is no reply at all (a local socket error). */
    public void failure(String detail) {
        lock.lock();
        try {
            lastError = detail;
        } finally {
            lock.unlock();
        }
    }

    public Snapshot snapshot() {
        lock.lock();
        try {
            double loss = new LossRatio(decided, lost).percent();
            StampSnapshot stamp = null;
            if (stamped) {
                // Between the first and the last reply the reflector saw: what it did not count was lost on the
                // way there, what it counted and we did not get was lost on the way back. Relative to the first
                // reply, so a counter that did not start at 0 for this session changes nothing.
                long sentBetween = senderSeqAtMax - senderSeqAtMin + 1;
                long reflectedBetween = maxReflectorSeq - minReflectorSeq + 1;
                stamp = new StampSnapshot(stateful,
                        stateful ? Math.max(0, sentBetween - reflectedBetween) : 0,
                        stateful ? Math.max(0, reflectedBetween - uniqueReplies) : 0,
                        ms(oneWayCount == 0 ? 0 : forwardMin),
                        ms(oneWayCount == 0 ? 0 : (long) (forwardSum / oneWayCount)),
                        ms(oneWayCount == 0 ? 0 : forwardMax),
                        ms(oneWayCount == 0 ? 0 : reverseMin),
                        ms(oneWayCount == 0 ? 0 : (long) (reverseSum / oneWayCount)),
                        ms(oneWayCount == 0 ? 0 : reverseMax));
            }
            return new Snapshot(sent, received, lost, late, duplicates, reordered, loss, window.summary(),
                    jitter.nanos(), Map.copyOf(errors), lastError, stamp, List.copyOf(new ArrayList<>(probes.values())));
        } finally {
            lock.unlock();
        }
    }

    /** The jitter in seconds, for the gauge. */
    public double jitterSeconds() {
        lock.lock();
        try {
            return jitter.nanos() / 1e9;
        } finally {
            lock.unlock();
        }
    }

    private void stamp(OneWay oneWay) {
        if (oneWay == null) {
            return;
        }
        stamped = true;
        uniqueReplies++;
        reflector(oneWay);
        oneWayCount++;
        forwardSum += oneWay.forwardNanos();
        forwardMin = Math.min(forwardMin, oneWay.forwardNanos());
        forwardMax = Math.max(forwardMax, oneWay.forwardNanos());
        reverseSum += oneWay.reverseNanos();
        reverseMin = Math.min(reverseMin, oneWay.reverseNanos());
        reverseMax = Math.max(reverseMax, oneWay.reverseNanos());
    }

    private void reflector(OneWay oneWay) {
        // A stateless reflector copies our sequence number; a stateful one counts what it received.
        if (oneWay.reflectorSeq() != oneWay.senderWireSeq()) {
            stateful = true;
        }
        if (oneWay.reflectorSeq() > maxReflectorSeq) {
            maxReflectorSeq = oneWay.reflectorSeq();
            senderSeqAtMax = oneWay.senderWireSeq();
        }
        if (oneWay.reflectorSeq() < minReflectorSeq) {
            minReflectorSeq = oneWay.reflectorSeq();
            senderSeqAtMin = oneWay.senderWireSeq();
        }
    }

    private void record(long seq, String status, Double rttMs) {
        if (probeMemory == 0) {
            return;
        }
        probes.put(seq, new ProbeRecord(seq, status, rttMs));
        if (probes.size() > probeMemory) {
            probes.remove(probes.keySet().iterator().next());
        }
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}

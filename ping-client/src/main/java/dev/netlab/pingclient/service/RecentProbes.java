package dev.netlab.pingclient.service;

import dev.netlab.pingclient.probe.OneWay;
import dev.netlab.pingclient.probe.ProbeEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outcomes of one stream's last {@value #CAPACITY} decided probes, oldest first: the RTT in milliseconds of a
 * probe answered in time, null for a lost one ({@code recent} in {@code GET /api/targets}).
 */
final class RecentProbes implements ProbeEvents {

    static final int CAPACITY = 60;

    private final ReentrantLock lock = new ReentrantLock();
    /** Milliseconds, NaN for a lost probe: primitives, as a mesh keeps one ring per address. */
    private final double[] ring = new double[CAPACITY];
    private int count;
    private int next;

    @Override
    public void received(long seq, long rttNanos, int bytes, String text, boolean reordered, OneWay oneWay) {
        add(Math.round(rttNanos / 1_000.0) / 1_000.0);
    }

    @Override
    public void lost(long seq) {
        add(Double.NaN);
    }

    /** The outcomes, oldest first. */
    List<Double> outcomes() {
        lock.lock();
        try {
            List<Double> outcomes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                double outcome = ring[(next - count + i + CAPACITY) % CAPACITY];
                outcomes.add(Double.isNaN(outcome) ? null : outcome);
            }
            return outcomes;
        } finally {
            lock.unlock();
        }
    }

    private void add(double outcome) {
        lock.lock();
        try {
            ring[next] = outcome;
            next = (next + 1) % CAPACITY;
            count = Math.min(count + 1, CAPACITY);
        } finally {
            lock.unlock();
        }
    }
}

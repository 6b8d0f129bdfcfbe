package dev.netlab.pingserver.senders;

import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.SenderTableConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The senders of the lab and STAMP listeners, keyed by mode, address and port. Bounded: a map in access order
 * evicts the sender heard from least recently when a new one would exceed the cap. "Stopped" is computed from the
 * injected clock when read, so no sweeper thread is needed. Written by the receive threads, read by the admin API.
 */
public final class SenderTable {

    private record Key(Mode mode, InetAddress address, int port) {
    }

    /** What one arrival tells the listener. */
    public record Observation(long newlyLost, long reflectorSeq) {
    }

    private static final class Sender {
        final SequenceTracker sequence = new SequenceTracker();
        long packets;
        long lastSeenMillis;
        long reflectorSeq;
        Double oneWayDelayMs;
    }

    private final int maxEntries;
    private final long silenceMillis;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, Sender> entries;

    public SenderTable(SenderTableConfig config, Clock clock) {
        this.maxEntries = config.maxEntries();
        this.silenceMillis = config.silence().toMillis();
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Sender> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * Records a datagram from {@code from}.
     *
     * @param seq      its sequence number, or -1 when it carries none
     * @param sentAt   the sender's timestamp, or null
     * @param received when it arrived
     */
    public Observation observe(Mode mode, InetSocketAddress from, long seq, Instant sentAt, Instant received) {
        Key key = new Key(mode, from.getAddress(), from.getPort());
        long now = received.toEpochMilli();
        lock.lock();
        try {
            Sender entry = entries.get(key);
            if (entry == null) {
                entry = new Sender();
                entries.put(key, entry);
            } else if (now - entry.lastSeenMillis > silenceMillis) {
                entry.sequence.restart(); // it stopped and came back: a new session, not a huge gap
            }
            entry.packets++;
            entry.lastSeenMillis = now;
            long lost = seq >= 0 ? entry.sequence.observe(seq) : 0;
            if (sentAt != null) {
                entry.oneWayDelayMs = millisBetween(sentAt, received);
            }
            return new Observation(lost, entry.reflectorSeq++);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code to - from} in milliseconds, for any two instants a datagram can name: the seconds of two instants
     * differ by less than 2^56, so nothing overflows (where {@code Duration.toNanos} would beyond 292 years).
     */
    static double millisBetween(Instant from, Instant to) {
        return (to.getEpochSecond() - from.getEpochSecond()) * 1e3 + (to.getNano() - from.getNano()) / 1e6;
    }

    /** Every sender, the idlest first. */
    public List<SenderView> snapshot() {
        long now = clock.millis();
        lock.lock();
        try {
            List<SenderView> views = new ArrayList<>(entries.size());
            for (Map.Entry<Key, Sender> e : entries.entrySet()) {
                Key k = e.getKey();
                Sender v = e.getValue();
                views.add(new SenderView(k.address().getHostAddress(), k.port(), k.mode().label(), v.packets,
                        v.sequence.started() ? v.sequence.last() : null, v.sequence.forwardLost(),
                        v.sequence.reordered(), Instant.ofEpochMilli(v.lastSeenMillis).toString(),
                        now - v.lastSeenMillis > silenceMillis, v.oneWayDelayMs));
            }
            return views;
        } finally {
            lock.unlock();
        }
    }

    /** How many senders are stopped ({@code stopped}) or active. */
    public int count(boolean stopped) {
        long now = clock.millis();
        lock.lock();
        try {
            int n = 0;
            for (Iterator<Sender> it = entries.values().iterator(); it.hasNext(); ) {
                if ((now - it.next().lastSeenMillis > silenceMillis) == stopped) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** How many senders are tracked. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}

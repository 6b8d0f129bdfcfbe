package dev.netlab.pingclient.probe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches replies to probes by sequence number and nonce, never by arrival order, and decides each probe's fate
 * once: a reply within the timeout is received; when the timeout passes the probe is lost, and a reply after that is
 * late, which moves nothing back. Times are {@code System.nanoTime()} values. One thread uses an instance.
 */
public final class ProbeTracker {

    /** What a reply turned out to be. */
    public sealed interface Outcome permits InTime, Late, Duplicate, Unmatched {
    }

    /** The first reply to an outstanding probe, within its timeout; {@code reordered} when a later probe's came first. */
    public record InTime(long seq, long rttNanos, boolean reordered) implements Outcome {
    }

    /** A reply to a probe already counted lost. */
    public record Late(long seq, long rttNanos) implements Outcome {
    }

    /** Another reply to a probe already answered. */
    public record Duplicate(long seq, long rttNanos) implements Outcome {
    }

    /** A reply to no probe of this run: unknown sequence number or wrong nonce. */
    public record Unmatched(long seq, String reason) implements Outcome {
    }

    private enum State { OUTSTANDING, RECEIVED, LOST, LATE }

    private static final class Sent {
        final long seq;
        final long sentNanos;
        final long deadlineNanos;
        final long nonce;
        State state = State.OUTSTANDING;

        Sent(long seq, long sentNanos, long deadlineNanos, long nonce) {
            this.seq = seq;
            this.sentNanos = sentNanos;
            this.deadlineNanos = deadlineNanos;
            this.nonce = nonce;
        }
    }

    private final long timeoutNanos;
    private final Map<Long, Sent> recent;
    private final ArrayDeque<Sent> outstanding = new ArrayDeque<>();
    private long highestReceived = Long.MIN_VALUE;

    /**
     * @param timeoutNanos how long a probe waits for its reply
     * @param memory       how many recent probes are remembered, to recognise late replies and duplicates
     */
    public ProbeTracker(long timeoutNanos, int memory) {
        if (timeoutNanos <= 0 || memory < 1) {
            throw new IllegalArgumentException("timeout and memory must be positive");
        }
        this.timeoutNanos = timeoutNanos;
        this.recent = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Sent> eldest) {
                return size() > memory;
            }
        };
    }

    /** Records a probe sent at {@code sentNanos}. Sequence numbers increase; deadlines therefore do too. */
    public void sent(long seq, long sentNanos, long nonce) {
        Sent probe = new Sent(seq, sentNanos, sentNanos + timeoutNanos, nonce);
        recent.put(seq, probe);
        outstanding.addLast(probe);
    }

    /**
     * The probes whose timeout has passed by {@code nowNanos}, now counted lost, in sequence order. Call it before
     * {@link #reply} so that a reply after the deadline is always late.
     */
    public List<Long> expire(long nowNanos) {
        List<Long> lost = List.of();
        while (!outstanding.isEmpty()) {
            Sent head = outstanding.peekFirst();
            if (head.state != State.OUTSTANDING) {
                outstanding.removeFirst();
            } else if (nowNanos - head.deadlineNanos > 0) {
                head.state = State.LOST;
                outstanding.removeFirst();
                if (lost.isEmpty()) {
                    lost = new ArrayList<>();
                }
                lost.add(head.seq);
            } else {
                break;
            }
        }
        return lost;
    }

    /** Classifies a reply for {@code seq} carrying {@code nonce}, received at {@code receivedNanos}. */
    public Outcome reply(long seq, long nonce, long receivedNanos) {
        Sent probe = recent.get(seq);
        if (probe == null) {
            return new Unmatched(seq, "no probe with sequence number " + seq);
        }
        if (probe.nonce != nonce) {
            return new Unmatched(seq, "reply to sequence number " + seq + " of another session");
        }
        long rtt = receivedNanos - probe.sentNanos;
        return switch (probe.state) {
            case OUTSTANDING -> {
                if (receivedNanos - probe.deadlineNanos > 0) {
                    // The caller did not expire first; the deadline still decides.
                    throw new IllegalStateException("expire(" + receivedNanos + ") must run before reply()");
                }
                probe.state = State.RECEIVED;
                boolean reordered = seq < highestReceived;
                highestReceived = Math.max(highestReceived, seq);
                yield new InTime(seq, rtt, reordered);
            }
            case LOST -> {
                probe.state = State.LATE;
                yield new Late(seq, rtt);
            }
            case RECEIVED, LATE -> new Duplicate(seq, rtt);
        };
    }

    /** How many probes still wait for a reply. */
    public int outstanding() {
        return (int) outstanding.stream().filter(p -> p.state == State.OUTSTANDING).count();
    }

    /** The earliest deadline of a probe still waiting, or {@code Long.MAX_VALUE}-like absent when none waits. */
    public java.util.OptionalLong nextDeadline() {
        for (Sent probe : outstanding) {
            if (probe.state == State.OUTSTANDING) {
                return java.util.OptionalLong.of(probe.deadlineNanos);
            }
        }
        return java.util.OptionalLong.empty();
    }
}

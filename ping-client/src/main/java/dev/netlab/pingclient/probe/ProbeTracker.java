package dev.netlab.pingclient.probe;

import java.util.OptionalLong;

/**
 * Matches replies to probes by sequence number and nonce, never by arrival order, and decides each probe's fate
 * once: a reply within the timeout is received; when the timeout passes the probe is lost, and a reply after that is
 * late, which moves nothing back. Times are {@code System.nanoTime()} values. One thread uses an instance.
 *
 * <p>Probes live in a ring of a fixed number of slots (arrays of primitives, nothing allocated per probe), indexed
 * by sequence number: a stream's memory is bounded whatever its schedule or its reflector does. Sequence numbers
 * start at 1 and increase by one per probe. Every probe's end of timeout is reported ({@link ProbeEvents#decided}),
 * answered or not, so loss can be computed over exactly the probes whose timeout has passed.
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

    private static final byte OUTSTANDING = 1;
    private static final byte RECEIVED = 2;
    private static final byte LOST = 3;
    private static final byte LATE = 4;

    private final long timeoutNanos;
    private final ProbeEvents events;
    private final int mask;
    private final long[] sentNanos;
    private final long[] nonces;
    private final byte[] states;
    /** The last sequence number sent (0: none yet). */
    private long lastSent;
    /** Every probe below this one has had its timeout pass (and was reported). */
    private long firstUndecided = 1;
    /** No probe below this one waits for its reply. */
    private long firstWaiting = 1;
    private int waiting;
    private long highestReceived = Long.MIN_VALUE;

    /**
     * @param timeoutNanos how long a probe waits for its reply
     * @param slots        how many recent probes are remembered (rounded up to a power of two): at least every
     *                     probe that can wait at once ({@link ProbeMemory#slots})
     * @param events       where lost probes and ends of timeouts are reported
     */
    public ProbeTracker(long timeoutNanos, int slots, ProbeEvents events) {
        if (timeoutNanos <= 0 || slots < 1 || slots > 1 << 30) {
            throw new IllegalArgumentException("timeout and slots must be positive");
        }
        int size = Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
        this.timeoutNanos = timeoutNanos;
        this.events = events;
        this.mask = size - 1;
        this.sentNanos = new long[size];
        this.nonces = new long[size];
        this.states = new byte[size];
    }

    /**
     * Records probe {@code seq} (the one after the last) sent at {@code sentNanos}. Deadlines therefore increase too.
     * Should the ring be full of probes still inside their timeout (a burst after a stall), the oldest is decided
     * now, counted lost if unanswered: memory stays bounded.
     */
    public void sent(long seq, long sentNanos, long nonce) {
        if (seq != lastSent + 1) {
            throw new IllegalArgumentException("sequence number " + seq + " after " + lastSent);
        }
        if (seq - firstUndecided > mask) {
            decide(firstUndecided);
        }
        int slot = (int) seq & mask;
        this.sentNanos[slot] = sentNanos;
        this.nonces[slot] = nonce;
        this.states[slot] = OUTSTANDING;
        lastSent = seq;
        waiting++;
    }

    /**
     * Decides every probe whose timeout has passed by {@code nowNanos}: unanswered ones are lost. Call it before
     * {@link #reply} so that a reply after the deadline is always late.
     */
    public void expire(long nowNanos) {
        while (firstUndecided <= lastSent && nowNanos - deadline(firstUndecided) > 0) {
            decide(firstUndecided);
        }
    }

    /** Decides every probe still inside its timeout (the end of a run): unanswered ones are lost. */
    public void settleAll() {
        while (firstUndecided <= lastSent) {
            decide(firstUndecided);
        }
    }

    private void decide(long seq) {
        int slot = (int) seq & mask;
        if (states[slot] == OUTSTANDING) {
            states[slot] = LOST;
            waiting--;
            events.lost(seq);
        }
        events.decided(seq);
        firstUndecided = seq + 1;
    }

    /** Classifies a reply for {@code seq} carrying {@code nonce}, received at {@code receivedNanos}. */
    public Outcome reply(long seq, long nonce, long receivedNanos) {
        if (seq < 1 || seq > lastSent || lastSent - seq > mask) {
            return new Unmatched(seq, "no probe with sequence number " + seq);
        }
        int slot = (int) seq & mask;
        if (nonces[slot] != nonce) {
            return new Unmatched(seq, "reply to sequence number " + seq + " of another session");
        }
        long rtt = receivedNanos - sentNanos[slot];
        return switch (states[slot]) {
            case OUTSTANDING -> {
                if (receivedNanos - deadline(seq) > 0) {
                    // The caller did not expire first; the deadline still decides.
                    throw new IllegalStateException("expire(" + receivedNanos + ") must run before reply()");
                }
                states[slot] = RECEIVED;
                waiting--;
                boolean reordered = seq < highestReceived;
                highestReceived = Math.max(highestReceived, seq);
                yield new InTime(seq, rtt, reordered);
            }
            case LOST -> {
                states[slot] = LATE;
                yield new Late(seq, rtt);
            }
            default -> new Duplicate(seq, rtt);
        };
    }

    /** How many probes still wait for a reply. */
    public int outstanding() {
        return waiting;
    }

    /** How many probes the ring remembers. */
    public int slots() {
        return mask + 1;
    }

    /** The earliest deadline of a probe still waiting, or empty when none waits. */
    public OptionalLong nextDeadline() {
        firstWaiting = Math.max(firstWaiting, firstUndecided);
        while (firstWaiting <= lastSent && states[(int) firstWaiting & mask] != OUTSTANDING) {
            firstWaiting++;
        }
        return firstWaiting <= lastSent ? OptionalLong.of(deadline(firstWaiting)) : OptionalLong.empty();
    }

    private long deadline(long seq) {
        return sentNanos[(int) seq & mask] + timeoutNanos;
    }
}

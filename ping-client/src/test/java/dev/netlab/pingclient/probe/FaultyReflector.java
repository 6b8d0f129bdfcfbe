package dev.netlab.pingclient.probe;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A UDP reflector of the tests on 127.0.0.1:0 that injects faults by a plan: for the n-th datagram it receives
 * (from 1), the plan says what to do with the reply. It speaks the lab protocol (upper-cases), echo, and STAMP
 * (stateless: copies the sender's sequence number; stateful: counts what it received).
 */
public final class FaultyReflector implements AutoCloseable {

    /** The protocol it reflects. */
    public enum Kind { LAB, ECHO, STAMP_STATELESS, STAMP_STATEFUL }

    /** What happens to one reply. */
    public sealed interface Fault permits Drop, ReverseDrop, Delay, Duplicate, Garbage, Truncate, FromOtherAddress,
            HoldForNext {
    }

    /** Lost on the way in: the reflector never saw it (a stateful STAMP reflector does not count it). */
    public record Drop() implements Fault {
    }

    /** Lost on the way back: seen and counted, the reply never arrives. */
    public record ReverseDrop() implements Fault {
    }

    /** The reply leaves after {@code delay}. */
    public record Delay(Duration delay) implements Fault {
    }

    /** The reply is sent {@code copies} times. */
    public record Duplicate(int copies) implements Fault {
    }

    /** These bytes are sent instead of the reply. */
    public record Garbage(byte[] bytes) implements Fault {
    }

    /** Only the reply's first {@code length} bytes are sent. */
    public record Truncate(int length) implements Fault {
    }

    /** The reply comes from another socket (another port) of the reflector. */
    public record FromOtherAddress() implements Fault {
    }

    /** The reply waits until the next datagram's reply has gone out: reordering. */
    public record HoldForNext() implements Fault {
    }

    private final Kind kind;
    private final IntFunction<List<Fault>> plan;
    private final DatagramChannel channel;
    private final DatagramChannel other;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger counted = new AtomicInteger();
    private final Thread thread;
    private ByteBuffer held;
    private SocketAddress heldTo;

    private FaultyReflector(Kind kind, IntFunction<List<Fault>> plan, InetAddress loopback) throws IOException {
        this.kind = kind;
        this.plan = plan;
        channel = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        other = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        thread = Thread.ofPlatform().daemon().name("faulty-reflector").start(this::serve);
    }

    /** A reflector that applies {@code plan(n)} to the n-th datagram. */
    public static FaultyReflector start(Kind kind, IntFunction<List<Fault>> plan) throws IOException {
        return new FaultyReflector(kind, plan, InetAddress.getLoopbackAddress());
    }

    /** A reflector without faults. */
    public static FaultyReflector clean(Kind kind) throws IOException {
        return new FaultyReflector(kind, n -> List.of(), InetAddress.getLoopbackAddress());
    }

    /** A reflector without faults on {@code address} (IPv6's {@code ::1}, say). */
    public static FaultyReflector cleanOn(InetAddress address, Kind kind) throws IOException {
        return new FaultyReflector(kind, n -> List.of(), address);
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code System.nanoTime()} of every datagram's arrival, in order. */
    public List<Long> arrivals() {
        return List.copyOf(arrivals);
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocate(65_536);
        try {
            while (true) {
                in.clear();
                SocketAddress from = channel.receive(in);
                long arrived = System.nanoTime();
                Instant receivedAt = Instant.now();
                arrivals.add(arrived);
                in.flip();
                byte[] data = new byte[in.remaining()];
                in.get(data);
                List<Fault> faults = plan.apply(arrivals.size());
                if (faults.stream().anyMatch(f -> f instanceof Drop)) {
                    continue;
                }
                ByteBuffer reply = reply(data, receivedAt);
                if (faults.stream().anyMatch(f -> f instanceof ReverseDrop)) {
                    continue;
                }
                handle(reply, from, faults);
            }
        } catch (IOException e) {
            // closed: the reflector stops
        }
    }

    private void handle(ByteBuffer reply, SocketAddress to, List<Fault> faults) throws IOException {
        ByteBuffer out = reply;
        DatagramChannel via = channel;
        int copies = 1;
        Duration delay = Duration.ZERO;
        boolean hold = false;
        for (Fault fault : faults) {
            switch (fault) {
                case Garbage g -> out = ByteBuffer.wrap(g.bytes());
                case Truncate t -> out = ByteBuffer.wrap(reply.array(), 0, Math.min(t.length(), reply.limit()));
                case FromOtherAddress f -> via = other;
                case Duplicate d -> copies = d.copies();
                case Delay d -> delay = d.delay();
                case HoldForNext h -> hold = true;
                case Drop d -> { }
                case ReverseDrop d -> { }
            }
        }
        if (hold) {
            held = out;
            heldTo = to;
            return;
        }
        ByteBuffer bytes = out;
        DatagramChannel sender = via;
        int times = copies;
        Runnable send = () -> {
            try {
                for (int i = 0; i < times; i++) {
                    sender.send(bytes.duplicate(), to);
                }
                if (held != null) {
                    channel.send(held, heldTo);
                    held = null;
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        };
        if (delay.isZero()) {
            send.run();
        } else {
            timer.schedule(send, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private ByteBuffer reply(byte[] data, Instant receivedAt) {
        return switch (kind) {
            case LAB -> ByteBuffer.wrap(new String(data, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT)
                    .getBytes(StandardCharsets.US_ASCII));
            case ECHO -> ByteBuffer.wrap(data);
            case STAMP_STATELESS, STAMP_STATEFUL -> stamp(data, receivedAt);
        };
    }

    /**
     * RFC 8762 section 4.3.1: the Session-Reflector test packet, unauthenticated, written from the RFC's figure with
     * its byte offsets and an NTP conversion of its own (not the code under test's):
     * <pre>
     *  0 sequence number (4)          4 timestamp (8)                  12 error estimate (2)   14 MBZ (2)
     * 16 receive timestamp (8)       24 session-sender sequence (4)   28 session-sender timestamp (8)
     * 36 session-sender error est (2) 38 MBZ (2)  40 session-sender TTL (1)  41 MBZ (3)
     * </pre>
     */
    private ByteBuffer stamp(byte[] data, Instant receivedAt) {
        ByteBuffer probe = ByteBuffer.wrap(data);
        int senderSeq = probe.getInt(0);
        long senderTimestamp = probe.getLong(4);
        short senderError = probe.getShort(12);
        int seq = kind == Kind.STAMP_STATEFUL ? counted.getAndIncrement() : senderSeq;
        ByteBuffer reply = ByteBuffer.allocate(Math.max(44, data.length));
        reply.putInt(0, seq);
        reply.putShort(12, (short) 1);
        reply.putLong(16, ntp(receivedAt));
        reply.putInt(24, senderSeq);
        reply.putLong(28, senderTimestamp);
        reply.putShort(36, senderError);
        reply.put(40, (byte) 255);
        reply.putLong(4, ntp(Instant.now())); // the transmit timestamp, last
        return reply.position(0);
    }

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01: 70 years of which 17 are leap years. */
    private static final long NTP_UNIX_EPOCH = (70L * 365 + 17) * 86_400;

    /** RFC 5905's 64-bit timestamp: seconds since 1900 modulo 2^32, then the fraction in units of 2^-32 s. */
    static long ntp(Instant t) {
        long seconds = (t.getEpochSecond() + NTP_UNIX_EPOCH) & 0xFFFF_FFFFL;
        long fraction = BigInteger.valueOf(t.getNano()).shiftLeft(32).divide(BigInteger.valueOf(1_000_000_000L))
                .longValueExact();
        return seconds << 32 | fraction;
    }

    @Override
    public void close() throws IOException {
        timer.shutdownNow();
        channel.close();
        other.close();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.netlab.pingclient.probe;

import dev.netlab.kit.log.ThrottledLog;
import dev.netlab.pingprotocol.NtpTimestamp;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Probes one address: sends on a fixed-rate schedule whose reference is the intended send time, so a slow reply or a
 * stall never pushes later probes back (no coordinated omission). The command's stream ({@link Pacing#EXACT}) does it
 * all on one thread, waiting for replies between sends with a timeout that ends at the next send or the next probe's
 * deadline. The service's ({@link Pacing#sharedTimer()}) reads on its own thread (virtual by default) without a
 * timeout, while the process's {@link SendTimer} sends on a grid shared by every stream and decides the timeouts.
 *
 * <p>The probe socket is a connected {@link DatagramChannel}, so an ICMP port unreachable surfaces as a
 * {@link PortUnreachableException}. A connected socket never sees datagrams from other addresses, so a second,
 * unconnected socket shares its port through {@code SO_REUSEPORT}: Linux hands it exactly the datagrams that the
 * connected one does not match, which are counted as foreign.
 */
public final class ProbeStream {

    /**
     * Replies are the probe's size (a STAMP reflector may add a little); anything longer is cut, not lost. Small:
     * one buffer per stream, and a mesh has thousands of streams.
     */
    private static final int MIN_BUFFER = 512;
    private static final int FOREIGN_DRAIN = 64;
    /** The most missed sends that go out back to back after a stall. */
    private static final long MAX_BURST = 100;
    private static final Logger LOG = System.getLogger(ProbeStream.class.getName());
    /** What a peer or a loaded machine can repeat makes at most one log line per interval and stream. */
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    /** Local ports of this process's open streams ({@code INET:40000}). */
    private static final java.util.Set<String> PORTS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final StreamSpec spec;
    private final Pacing pacing;
    private final ProbeEvents events;
    private final Clock clock;
    private final ProbeCodec codec;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final DatagramChannel channel;
    private final DatagramChannel foreign;
    private final byte[] buffer;
    private final String portKey;
    private final ThrottledLog stalls = ThrottledLog.every(LOG_INTERVAL, LOG);
    private final ThrottledLog replyFailures = ThrottledLog.every(LOG_INTERVAL, LOG);

    private ProbeStream(StreamSpec spec, Pacing pacing, ProbeEvents events, Clock clock, long session,
                        DatagramChannel channel, DatagramChannel foreign, String portKey) {
        this.portKey = portKey;
        this.pacing = pacing;
        this.buffer = new byte[Math.max(MIN_BUFFER, spec.size() + 256)];
        this.spec = spec;
        this.events = events;
        this.clock = clock;
        this.codec = ProbeCodec.of(spec.mode(), session, spec.size());
        this.channel = channel;
        this.foreign = foreign;
    }

    /**
     * Opens the stream's sockets; the stream keeps the exact schedule ({@link Pacing#EXACT}).
     *
     * @throws IOException when no local socket can be opened or connected (a local socket error)
     */
    public static ProbeStream open(StreamSpec spec, ProbeEvents events, Clock clock, long session) throws IOException {
        return open(spec, Pacing.EXACT, events, clock, session);
    }

    /**
     * Opens the stream's sockets; the stream paces its sends and waits as {@code pacing} says.
     *
     * @throws IOException when no local socket can be opened or connected (a local socket error)
     */
    public static ProbeStream open(StreamSpec spec, Pacing pacing, ProbeEvents events, Clock clock, long session)
            throws IOException {
        InetAddress target = spec.address().getAddress();
        StandardProtocolFamily family = target instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
        InetAddress any = InetAddress.getByName(family == StandardProtocolFamily.INET6 ? "::" : "0.0.0.0");
        DatagramChannel channel = DatagramChannel.open(family);
        DatagramChannel foreign = null;
        int port = -1;
        try {
            if (channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                port = bindUnshared(channel, family, any);
                foreign = openForeign(family, any, port);
            } else {
                channel.bind(new InetSocketAddress(any, 0));
            }
            channel.connect(spec.address());
            return new ProbeStream(spec, pacing, events, clock, session, channel, foreign,
                    port < 0 ? null : family + ":" + port);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (foreign != null) {
                foreign.close();
            }
            if (port >= 0) {
                PORTS.remove(family + ":" + port);
            }
            throw e;
        }
    }

    /**
     * Binds {@code channel} (SO_REUSEPORT set) to a port no other socket uses. The kernel's port-0 choice skips only
     * ports whose sockets would conflict, and two SO_REUSEPORT sockets of one user do not: two streams to the same
     * target could then share a port and each other's replies. So a plain socket (which conflicts with every one)
     * picks the port, and a set of this process's ports closes the short gap before our bind.
     */
    private static int bindUnshared(DatagramChannel channel, StandardProtocolFamily family, InetAddress any)
            throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 32; attempt++) {
            int port;
            try (DatagramChannel picker = DatagramChannel.open(family)) {
                picker.bind(new InetSocketAddress(any, 0));
                port = ((InetSocketAddress) picker.getLocalAddress()).getPort();
            }
            if (!PORTS.add(family + ":" + port)) {
                continue;
            }
            try {
                channel.bind(new InetSocketAddress(any, port));
                return port;
            } catch (java.net.BindException e) {
                PORTS.remove(family + ":" + port);
                last = e;
            }
        }
        throw last != null ? last : new java.net.BindException("no free local UDP port");
    }

    private static DatagramChannel openForeign(StandardProtocolFamily family, InetAddress any, int port) {
        try {
            DatagramChannel foreign = DatagramChannel.open(family);
            try {
                foreign.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                foreign.bind(new InetSocketAddress(any, port));
                foreign.configureBlocking(false);
                return foreign;
            } catch (IOException e) {
                foreign.close();
                return null;
            }
        } catch (IOException e) {
            // Without the second socket, foreign datagrams are still dropped (by the kernel), just not counted.
            return null;
        }
    }

    /** The spec this stream probes. */
    public StreamSpec spec() {
        return spec;
    }

    /**
     * Runs until the count is sent and settled, the deadline passes, or {@link #stop()}.
     *
     * @throws IOException on a local socket error other than an ICMP port unreachable
     */
    public void run() throws IOException {
        if (pacing.sharedTimer()) {
            runOnTimer(SendTimer.SHARED);
            return;
        }
        long intervalNanos = spec.interval().toNanos();
        long timeoutNanos = spec.timeout().toNanos();
        ProbeTracker tracker = new ProbeTracker(timeoutNanos, ProbeMemory.slots(spec.interval(), spec.timeout()), events);
        long start = System.nanoTime();
        long end = spec.deadline() == null ? Long.MAX_VALUE : start + spec.deadline().toNanos();
        long nextSend = start;
        long seq = 0;
        DatagramSocket socket = channel.socket();
        boolean ended = false;
        try {
            while (!stopped.get()) {
                long now = System.nanoTime();
                tracker.expire(now);
                if (spec.deadline() != null && now - end >= 0) {
                    break;
                }
                boolean more = spec.count() == 0 || seq < spec.count();
                long sendAt = pacing.sendAt(nextSend, intervalNanos);
                if (more && now - sendAt >= 0) {
                    seq++;
                    nextSend = sendNext(seq, tracker, now, nextSend, intervalNanos);
                    continue;
                }
                if (!more && tracker.outstanding() == 0) {
                    break;
                }
                long wake = Long.MAX_VALUE;
                if (more) {
                    wake = sendAt;
                }
                long deadline = tracker.nextDeadline().orElse(Long.MAX_VALUE);
                if (deadline != Long.MAX_VALUE && (wake == Long.MAX_VALUE || deadline - wake < 0)) {
                    wake = deadline + 1;
                }
                if (spec.deadline() != null && (wake == Long.MAX_VALUE || end - wake < 0)) {
                    wake = end;
                }
                long waitNanos = wake - now;
                // SO_TIMEOUT has millisecond granularity and 0 means forever: wait at least 1 ms and keep reading.
                // Rounded up: rounded down, a wait for the next send woke just before it and waited again, two
                // timed reads (each a poller registration and a timer) per probe instead of one.
                long waitMillis = (waitNanos + 999_999) / 1_000_000;
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, waitMillis)));
                receiveOne(socket, tracker);
            }
            ended = !stopped.get();
        } catch (ClosedChannelException | java.net.SocketException e) {
            if (!stopped.get()) {
                throw e;
            }
        } finally {
            if (ended) {
                // A run that ended by its count or deadline decides every probe: what still waits is lost (iputils
                // counts it as loss too), and answered probes whose timeout had not passed yet count in the loss.
                tracker.settleAll();
            }
            drainForeign();
        }
    }

    /**
     * Sends probe {@code seq}, intended at {@code intendedNanos}, and returns the next intended time. Fixed rate: it
     * follows this one's, however late this one went out; after a stall (a suspended machine) the missed sends go out
     * back to back, but at most {@link #MAX_BURST} of them.
     */
    private long sendNext(long seq, ProbeTracker tracker, long now, long intendedNanos, long intervalNanos)
            throws IOException {
        // Once per send, not per wake-up: foreign datagrams are rare and the check is a system call.
        drainForeign();
        send(seq, tracker);
        long next = intendedNanos + intervalNanos;
        if (now - next > MAX_BURST * intervalNanos) {
            long skipped = (now - next) / intervalNanos;
            stalls.log(Level.WARNING, () -> spec.target() + " " + spec.addressLabel() + ": stalled; "
                    + skipped + " intended sends skipped");
            next += skipped * intervalNanos;
        }
        return next;
    }

    /**
     * The service's loop: {@code timer}'s thread sends and decides timeouts ({@link Ticks}), this thread reads
     * replies without a timeout and counts each one as it arrives. Ends as {@link #run()} does: the timer closes the
     * probe socket once the count is sent and settled or the deadline passed, {@link #stop()} closes it too.
     */
    private void runOnTimer(SendTimer timer) throws IOException {
        ProbeTracker tracker = new ProbeTracker(spec.timeout().toNanos(),
                ProbeMemory.slots(spec.interval(), spec.timeout()), events);
        Ticks ticks = new Ticks(tracker, System.nanoTime());
        DatagramSocket socket = channel.socket();
        socket.setSoTimeout(0);
        timer.schedule(ticks, pacing.sendAt(ticks.nextSend, ticks.intervalNanos));
        try {
            while (!stopped.get() && !ticks.ended) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (PortUnreachableException e) {
                    events.error(ErrorKind.UNREACHABLE, "ICMP port unreachable from " + spec.addressLabel());
                    continue;
                }
                long receivedNanos = System.nanoTime();
                ticks.lock.lock();
                try {
                    tracker.expire(receivedNanos);
                    handleOrCount(packet.getLength(), receivedNanos, tracker);
                } finally {
                    ticks.lock.unlock();
                }
            }
        } catch (ClosedChannelException | java.net.SocketException e) {
            if (!stopped.get() && !ticks.ended) {
                throw e;
            }
        } finally {
            ticks.lock.lock();
            try {
                if (ticks.ended && ticks.failure == null) {
                    // As run() does: a run that ended by its count or deadline decides every probe.
                    tracker.settleAll();
                }
            } finally {
                ticks.lock.unlock();
            }
            drainForeign();
        }
        if (ticks.failure != null) {
            throw ticks.failure;
        }
    }

    /** A stream's timed work on the {@link SendTimer}: its sends and its probes' timeouts, under its lock. */
    private final class Ticks implements SendTimer.Task {

        /** Between this (the timer's thread) and the reading thread: the tracker and the events. */
        final ReentrantLock lock = new ReentrantLock();
        final ProbeTracker tracker;
        final long intervalNanos = spec.interval().toNanos();
        final long end;
        long nextSend;
        long seq;
        volatile boolean ended;
        volatile IOException failure;

        Ticks(ProbeTracker tracker, long start) {
            this.tracker = tracker;
            this.nextSend = start;
            this.end = spec.deadline() == null ? Long.MAX_VALUE : start + spec.deadline().toNanos();
        }

        @Override
        public long tick(long now) {
            if (stopped.get() || ended) {
                return SendTimer.NEVER;
            }
            lock.lock();
            try {
                tracker.expire(now);
                boolean more = spec.count() == 0 || seq < spec.count();
                if (spec.deadline() != null && now - end >= 0 || !more && tracker.outstanding() == 0) {
                    return finish(null);
                }
                if (more && now - pacing.sendAt(nextSend, intervalNanos) >= 0) {
                    seq++;
                    nextSend = sendNext(seq, tracker, now, nextSend, intervalNanos);
                    more = spec.count() == 0 || seq < spec.count();
                }
                long wake = more ? pacing.sendAt(nextSend, intervalNanos) : NO_WAKE;
                long deadline = tracker.nextDeadline().orElse(NO_WAKE);
                if (deadline != NO_WAKE && (wake == NO_WAKE || deadline + 1 - wake < 0)) {
                    wake = deadline + 1;
                }
                if (spec.deadline() != null && (wake == NO_WAKE || end - wake < 0)) {
                    wake = end;
                }
                // Unreachable (nothing more to send and nothing waiting ended the run above); a tick an interval on is harmless.
                return wake == NO_WAKE ? now + intervalNanos : wake;
            } catch (IOException e) {
                return finish(e);
            } catch (RuntimeException | Error e) {
                // Never a stream that silently stops sending: its run() ends with the failure, which is retried.
                return finish(new IOException("sending failed: " + e, e));
            } finally {
                lock.unlock();
            }
        }

        /** Ends the run: the reading thread wakes from its read when the probe socket closes. */
        private long finish(IOException e) {
            failure = e;
            ended = true;
            try {
                channel.close();
            } catch (IOException closing) {
                // closed anyway
            }
            return SendTimer.NEVER;
        }
    }

    /** No wake-up wanted for this reason (a time is any long, so a flag stands apart from them). */
    private static final long NO_WAKE = Long.MIN_VALUE;

    private void send(long seq, ProbeTracker tracker) throws IOException {
        // One moment for both clocks, before the probe is encoded: the RTT's start first, then the wall time that
        // goes on the wire. Whatever passes between the two readings or before the write then lies inside both
        // the round trip and the forward delay, so neither one-way delay can come out negative.
        long sentNanos = System.nanoTime();
        Instant wall = clock.instant();
        ProbeCodec.Probe probe = codec.encode(seq, wall);
        int bytes = probe.bytes().remaining();
        for (int attempt = 0; ; attempt++) {
            try {
                channel.write(probe.bytes().duplicate());
                tracker.sent(seq, sentNanos, probe.nonce());
                events.sent(seq, bytes, probe.text());
                return;
            } catch (PortUnreachableException e) {
                // The error of an earlier probe, reported on this write; the write itself did not happen.
                events.error(ErrorKind.UNREACHABLE, "ICMP port unreachable from " + spec.addressLabel());
                if (attempt == 1) {
                    tracker.sent(seq, sentNanos, probe.nonce());
                    events.sent(seq, bytes, probe.text());
                    return;
                }
            }
        }
    }

    private void receiveOne(DatagramSocket socket, ProbeTracker tracker) throws IOException {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return;
        } catch (PortUnreachableException e) {
            events.error(ErrorKind.UNREACHABLE, "ICMP port unreachable from " + spec.addressLabel());
            return;
        }
        long receivedNanos = System.nanoTime();
        tracker.expire(receivedNanos);
        handleOrCount(packet.getLength(), receivedNanos, tracker);
    }

    /** Handles the datagram of {@code length} bytes in the buffer; whatever cannot be handled is counted. */
    private void handleOrCount(int length, long receivedNanos, ProbeTracker tracker) {
        try {
            handle(ByteBuffer.wrap(buffer, 0, length), length, receivedNanos, tracker);
        } catch (Throwable e) {
            // A reply we cannot make sense of (or a bug) is counted; the stream probes on.
            events.error(ErrorKind.MALFORMED, "reply could not be handled: " + e);
            replyFailures.log(Level.WARNING, () -> spec.target() + " " + spec.addressLabel()
                    + ": a reply could not be handled", e);
        }
    }

    private void handle(ByteBuffer datagram, int length, long receivedNanos, ProbeTracker tracker) {
        ProbeCodec.Decoded decoded = codec.decode(datagram);
        switch (decoded) {
            case ProbeCodec.Malformed m -> events.error(ErrorKind.MALFORMED, m.reason());
            case ProbeCodec.Foreign f -> events.error(ErrorKind.FOREIGN, f.reason());
            case ProbeCodec.Reply reply -> {
                ProbeTracker.Outcome outcome = tracker.reply(reply.seq(), reply.nonce(), receivedNanos);
                switch (outcome) {
                    case ProbeTracker.InTime in -> events.received(in.seq(), in.rttNanos(), length, reply.text(),
                            in.reordered(), oneWay(reply, in.rttNanos()));
                    case ProbeTracker.Late l -> events.late(l.seq(), l.rttNanos(), length, oneWay(reply, l.rttNanos()));
                    case ProbeTracker.Duplicate d -> events.duplicate(d.seq(), d.rttNanos(), length);
                    case ProbeTracker.Unmatched u -> events.error(ErrorKind.FOREIGN, u.reason());
                }
            }
        }
    }

    private OneWay oneWay(ProbeCodec.Reply reply, long rttNanos) {
        StampTimes stamp = reply.stamp();
        if (stamp == null) {
            return null;
        }
        // Every term is an NTP time of 1968-2104 in nanoseconds (under 2^62), so no difference overflows.
        long sentEpoch = NtpTimestamp.toEpochNanos(reply.nonce());
        long receivedEpoch = sentEpoch + rttNanos;
        return new OneWay(NtpTimestamp.toEpochNanos(stamp.receiveNtp()) - sentEpoch,
                receivedEpoch - NtpTimestamp.toEpochNanos(stamp.transmitNtp()), stamp.reflectorSeq(), reply.seq() - 1);
    }

    private void drainForeign() {
        if (foreign == null) {
            return;
        }
        try {
            ByteBuffer scratch = ByteBuffer.wrap(buffer);
            for (int i = 0; i < FOREIGN_DRAIN; i++) {
                scratch.clear();
                var from = foreign.receive(scratch);
                if (from == null) {
                    return;
                }
                events.error(ErrorKind.FOREIGN, "datagram from " + StreamSpec.label((InetSocketAddress) from)
                        + ", not from " + spec.addressLabel());
            }
        } catch (IOException e) {
            // Counting foreign datagrams is best effort; probing goes on.
        }
    }

    /** Ends {@link #run()} from another thread: closes the sockets, which wakes a blocked receive. */
    public void stop() {
        stopped.set(true);
        close();
    }

    /** Releases the sockets. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (portKey != null) {
            PORTS.remove(portKey);
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        if (foreign != null) {
            try {
                foreign.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}

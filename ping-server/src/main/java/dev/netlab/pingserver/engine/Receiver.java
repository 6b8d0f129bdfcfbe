package dev.netlab.pingserver.engine;

import dev.netlab.kit.lifecycle.ThreadKind;
import dev.netlab.kit.log.ThrottledLog;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.ListenerConfig;
import dev.netlab.pingserver.engine.PingMetrics.DropReason;
import dev.netlab.pingserver.faults.Fate;
import dev.netlab.pingserver.faults.FaultPlanner;
import dev.netlab.pingserver.protocol.Outcome;
import dev.netlab.pingserver.protocol.Reflector;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One socket of a listener: its own channel and its own thread running the receive loop. Each datagram is counted,
 * rate-limited per source address, size-checked, reflected, given its simulated fate and answered from this socket,
 * so the reply leaves from the address the request was sent to. A bad datagram is counted and dropped; nothing a
 * client sends ends the loop, and nothing ends it while the receiver accepts: every failure of one iteration is
 * counted, logged at most once per {@link #LOG_INTERVAL}, and the loop goes on.
 */
final class Receiver {

    private static final Logger LOG = System.getLogger(Receiver.class.getName());
    /** A flood of bad datagrams makes at most one log line per interval and listener. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    /** The pause after a receive that failed without an I/O error, so a persistent fault cannot spin a core. */
    private static final long FAULT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ListenerConfig config;
    private final Mode mode;
    private final Reflector reflector;
    private final FaultPlanner planner;
    private final RateLimiter limiter;
    private final PingMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ThreadKind threadKind;
    private final boolean timed;
    private final ThrottledLog receiveFailures = ThrottledLog.every(LOG_INTERVAL, LOG);
    private final ThrottledLog handlingFailures = ThrottledLog.every(LOG_INTERVAL, LOG);
    private volatile boolean accepting = true;
    private DatagramChannel channel;
    private InetSocketAddress local;
    private Thread thread;

    Receiver(ListenerConfig config, Reflector reflector, FaultPlanner planner, RateLimiter limiter,
             PingMetrics metrics, Clock clock, ScheduledExecutorService scheduler, ThreadKind threadKind) {
        this.config = config;
        this.mode = config.mode();
        this.reflector = reflector;
        this.planner = planner;
        this.limiter = limiter;
        this.metrics = metrics;
        this.clock = clock;
        this.scheduler = scheduler;
        this.threadKind = threadKind;
        this.timed = reflector.usesReceiveTime();
    }

    /** Binds the socket to {@code address}; on failure nothing stays open. */
    InetSocketAddress bind(InetSocketAddress address) throws IOException {
        try {
            // An IPv4 address gets an IPv4 socket: a dual-stack one costs the kernel more on every datagram.
            channel = DatagramChannel.open(address.getAddress() instanceof Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBuffer());
            channel.bind(address);
            local = (InetSocketAddress) channel.getLocalAddress();
            return local;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts the receive loop on a thread named {@code name}, of the configured kind. */
    void start(String name) {
        ReplySender sender = new ReplySender(mode, channel, reflector, metrics, scheduler,
                config.faults().reorderHold());
        thread = threadKind.builder(name).start(() -> serve(sender));
    }

    /** The receive loop's thread, null before {@link #start}. */
    Thread thread() {
        return thread;
    }

    private void serve(ReplySender sender) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(config.maxDatagram() + 1);
        while (accepting) {
            buffer.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                receiveFailures.log(Level.WARNING, () -> mode.label() + ": receive failed; serving on", e);
                continue;
            } catch (Throwable e) {
                // Not the network's doing (short of memory, a bug): say so, breathe, and serve on.
                receiveFailures.log(Level.ERROR, () -> mode.label() + ": receive failed; serving on", e);
                LockSupport.parkNanos(FAULT_PAUSE_NANOS);
                continue;
            }
            if (!accepting) {
                return;
            }
            buffer.flip();
            try {
                handle(buffer, from, sender);
            } catch (Throwable e) {
                // A bug must not take the listener down with it: count the datagram as unanswered and go on.
                metrics.dropped(mode, DropReason.MALFORMED);
                handlingFailures.log(Level.WARNING, () -> mode.label() + ": a datagram could not be handled", e);
            }
        }
    }

    private void handle(ByteBuffer datagram, InetSocketAddress from, ReplySender sender) {
        metrics.received(mode);
        if (!limiter.tryAcquire(from.getAddress())) {
            metrics.dropped(mode, DropReason.RATE_LIMITED);
            return;
        }
        if (datagram.remaining() > config.maxDatagram()) {
            metrics.dropped(mode, DropReason.MALFORMED);
            return;
        }
        Instant received = timed ? clock.instant() : null;
        switch (reflector.reflect(datagram, from, received)) {
            case Outcome.Malformed malformed -> metrics.dropped(mode, DropReason.MALFORMED);
            case Outcome.Reply reply -> {
                Fate fate = planner.next();
                if (fate.drop() || !sender.send(reply.reply(), from, fate)) {
                    // a simulated loss, or the simulated link's delay queue is full
                    metrics.dropped(mode, DropReason.SIMULATED);
                }
            }
        }
    }

    /** Ends the receive loop without closing the socket, so that scheduled replies can still go out. */
    void stopAccepting() {
        accepting = false;
        if (local == null) {
            return;
        }
        // Wake the blocked receive with an empty datagram of our own.
        InetAddress target = local.getAddress();
        if (target.isAnyLocalAddress()) {
            target = target instanceof Inet6Address ? InetAddress.getLoopbackAddress() : loopbackV4();
        }
        try (DatagramChannel waker = DatagramChannel.open()) {
            waker.send(ByteBuffer.allocate(0), new InetSocketAddress(target, local.getPort()));
        } catch (IOException e) {
            // The address is gone (nothing could be answered from it anyway): end the loop now, not at the drain.
            LOG.log(Level.DEBUG, () -> mode.label() + ": cannot wake the receive loop on " + local + "; closing it", e);
            close();
        }
    }

    /** Waits for the receive loop to end. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return thread == null || thread.join(timeout);
    }

    /** Closes the socket, which ends the receive loop if it still runs. */
    void close() {
        accepting = false;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> mode.label() + ": close failed", e);
            }
        }
    }

    private static InetAddress loopbackV4() {
        return InetAddress.getLoopbackAddress() instanceof Inet6Address
                ? new InetSocketAddress("127.0.0.1", 0).getAddress()
                : InetAddress.getLoopbackAddress();
    }
}

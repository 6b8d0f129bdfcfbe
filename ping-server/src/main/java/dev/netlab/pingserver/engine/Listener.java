package dev.netlab.pingserver.engine;

import dev.netlab.kit.lifecycle.Endpoint;
import dev.netlab.kit.lifecycle.StartupException;
import dev.netlab.kit.lifecycle.ThreadKind;
import dev.netlab.kit.log.ThrottledLog;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.ListenerConfig;
import dev.netlab.pingserver.faults.FaultPlanner;
import dev.netlab.pingserver.protocol.Reflector;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One listener ({@code lab}, {@code echo} or {@code stamp}) and its sockets. Bound to one address, it has one socket.
 * Bound to a wildcard address, it has one socket per local address of the wildcard's family ({@code ::} takes IPv4
 * and IPv6), as ntpd does: the JDK cannot read a datagram's destination address (no {@code IP_PKTINFO}), and a
 * wildcard socket answers from the kernel's preferred source address, which a prober's connected socket drops.
 * {@link #refresh} opens sockets for new addresses and closes those of vanished ones; an address that cannot be bound
 * is skipped and tried again at the next refresh.
 */
final class Listener {

    private static final Logger LOG = System.getLogger(Listener.class.getName());
    /** The most sockets one wildcard listener opens: a host with thousands of addresses must not cost thousands. */
    static final int MAX_SOCKETS = 1024;

    private final ListenerConfig config;
    private final Mode mode;
    private final Supplier<Reflector> reflectors;
    private final RateLimiter limiter;
    private final PingMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ThreadKind threadKind;
    private final LocalAddresses localAddresses;
    private final boolean wildcard;
    // An address set that changes every second makes at most one line per interval.
    private final ThrottledLog changes = ThrottledLog.every(Receiver.LOG_INTERVAL, LOG);
    private final ThrottledLog bindFailures = ThrottledLog.every(Receiver.LOG_INTERVAL, LOG);
    // Guards the receivers, so that a refresh and a stop never interleave.
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<InetAddress, Receiver> receivers = new LinkedHashMap<>();
    private boolean started;
    private boolean ended;
    private int port;

    /**
     * @param reflectors makes each socket's own reflector (a reflector may keep a reply buffer)
     * @param limiter    the listener's per-source rate limit, shared by its sockets
     */
    Listener(ListenerConfig config, Supplier<Reflector> reflectors, RateLimiter limiter, PingMetrics metrics,
             Clock clock, ScheduledExecutorService scheduler, ThreadKind threadKind, LocalAddresses localAddresses) {
        this.config = config;
        this.mode = config.mode();
        this.reflectors = reflectors;
        this.limiter = limiter;
        this.metrics = metrics;
        this.clock = clock;
        this.scheduler = scheduler;
        this.threadKind = threadKind;
        this.localAddresses = localAddresses;
        this.wildcard = config.bindAddress().isAnyLocalAddress();
        this.port = config.port();
    }

    Mode mode() {
        return mode;
    }

    /** Whether this listener follows the host's addresses. */
    boolean wildcard() {
        return wildcard;
    }

    /** Binds the socket, or one per local address; fails when not a single one could be bound. */
    Endpoint bind() {
        lock.lock();
        try {
            if (!wildcard) {
                Receiver receiver = newReceiver();
                InetSocketAddress local = receiver.bind(new InetSocketAddress(config.bindAddress(), port));
                receivers.put(config.bindAddress(), receiver);
                port = local.getPort();
            } else {
                IOException last = open(eligible(localAddresses.current()));
                if (receivers.isEmpty()) {
                    throw last != null ? last : new IOException("no local address of its family is up");
                }
            }
            return Endpoint.udp(mode.label(), new InetSocketAddress(config.bindAddress(), port));
        } catch (IOException | RuntimeException e) {
            closeAll();
            throw StartupException.cannotBind(mode.label(), "udp", config.bindAddress(), config.port(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Starts every socket's receive loop. */
    void start() {
        lock.lock();
        try {
            started = true;
            receivers.forEach((address, receiver) -> receiver.start(threadName(address)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Follows the host's addresses: opens a socket for each new one, closes the sockets of those gone. A wildcard
     * listener only; nothing happens once the listener stops.
     */
    void refresh(Set<InetAddress> current) {
        lock.lock();
        try {
            if (!wildcard || ended) {
                return;
            }
            Set<InetAddress> wanted = eligible(current);
            List<InetAddress> gone = new ArrayList<>();
            for (var it = receivers.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (!wanted.contains(entry.getKey())) {
                    // The address is gone: nothing can be answered from it, so the socket closes now.
                    entry.getValue().close();
                    gone.add(entry.getKey());
                    it.remove();
                }
            }
            wanted.removeAll(receivers.keySet());
            int before = receivers.size();
            open(wanted);
            int added = receivers.size() - before;
            if (added > 0 || !gone.isEmpty()) {
                changes.log(Level.INFO, () -> mode.label() + ": local addresses changed: " + added + " socket(s) opened, "
                        + gone.size() + " closed; serving on " + receivers.size());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The addresses this listener can serve: the wildcard's family ({@code ::} takes both), at most {@link #MAX_SOCKETS}. */
    private Set<InetAddress> eligible(Set<InetAddress> current) {
        Set<InetAddress> eligible = new LinkedHashSet<>();
        boolean ipv4Only = config.bindAddress() instanceof Inet4Address;
        for (InetAddress address : current) {
            if ((!ipv4Only || address instanceof Inet4Address) && !address.isMulticastAddress()
                    && !address.isAnyLocalAddress()) {
                eligible.add(address);
            }
        }
        return eligible;
    }

    /** Opens (and once started, starts) a socket on each address, skipping those that cannot be bound. */
    private IOException open(Set<InetAddress> addresses) {
        IOException last = null;
        for (InetAddress address : addresses) {
            if (receivers.size() >= MAX_SOCKETS) {
                bindFailures.log(Level.WARNING, () -> mode.label() + ": more than " + MAX_SOCKETS
                        + " local addresses; serving the first " + MAX_SOCKETS);
                break;
            }
            Receiver receiver = newReceiver();
            try {
                // With port 0 the first socket picks the port; the others take the same one.
                port = receiver.bind(new InetSocketAddress(address, port)).getPort();
            } catch (IOException | RuntimeException e) {
                bindFailures.log(Level.WARNING, () -> mode.label() + ": cannot bind " + address.getHostAddress()
                        + " port " + port + "; trying again at the next address refresh", e);
                last = e instanceof IOException io ? io : new IOException(e);
                continue;
            }
            receivers.put(address, receiver);
            if (started) {
                receiver.start(threadName(address));
            }
        }
        return last;
    }

    private Receiver newReceiver() {
        return new Receiver(config, reflectors.get(), FaultPlanner.create(config.faults()), limiter, metrics, clock,
                scheduler, threadKind);
    }

    private String threadName(InetAddress address) {
        return "pingserver-" + mode.label() + (wildcard ? "-" + address.getHostAddress() : "");
    }

    /** The receive threads of the sockets open now. */
    List<Thread> receiveThreads() {
        lock.lock();
        try {
            return receivers.values().stream().map(Receiver::thread).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The addresses that have a socket now. */
    Set<InetAddress> servedAddresses() {
        lock.lock();
        try {
            return Set.copyOf(receivers.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Ends every receive loop without closing the sockets, so that scheduled replies can still go out. */
    void stopAccepting() {
        lock.lock();
        try {
            ended = true;
            receivers.values().forEach(Receiver::stopAccepting);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for every receive loop to end. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Receiver> all;
        lock.lock();
        try {
            all = List.copyOf(receivers.values());
        } finally {
            lock.unlock();
        }
        boolean stopped = true;
        for (Receiver receiver : all) {
            stopped &= receiver.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return stopped;
    }

    /** Closes every socket, which ends the receive loops that still run. */
    void close() {
        lock.lock();
        try {
            ended = true;
            closeAll();
        } finally {
            lock.unlock();
        }
    }

    private void closeAll() {
        receivers.values().forEach(Receiver::close);
        receivers.clear();
    }
}

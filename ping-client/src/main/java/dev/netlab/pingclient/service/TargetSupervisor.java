package dev.netlab.pingclient.service;

import dev.netlab.kit.config.Durations;
import dev.netlab.kit.log.ThrottledLog;
import dev.netlab.pingclient.metrics.PingFamilies;
import dev.netlab.pingclient.metrics.SeriesLabels;
import dev.netlab.pingclient.metrics.StreamCounters;
import dev.netlab.pingclient.probe.ProbeEvents;
import dev.netlab.pingclient.probe.ProbeStream;
import dev.netlab.pingclient.probe.ReportFields;
import dev.netlab.pingclient.probe.StreamSpec;
import dev.netlab.pingclient.probe.StreamStats;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps one configured target probed: resolves its name now and every {@code resolve-interval}, runs one probe
 * stream (one thread of the configured kind, virtual by default) per resolved address, and starts and stops streams as the name's addresses change. A
 * name that fails to resolve is counted and retried; the streams it already has keep running.
 */
final class TargetSupervisor {

    private static final Logger LOG = System.getLogger(TargetSupervisor.class.getName());
    /** A failure that repeats every retry makes at most one log line per interval and target. */
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(60);
    /** Retry sooner than the resolve interval while a name does not resolve at all. */
    private static final Duration RESOLVE_RETRY = Duration.ofSeconds(5);
    private static final Duration SOCKET_RETRY = Duration.ofSeconds(1);
    /** The longest a launch waits for its stream's sockets to open (a few milliseconds unless the machine stalls). */
    private static final Duration OPEN_WAIT = Duration.ofSeconds(10);
    /** The {@code address} label of failures that happen before any address is known. */
    static final String UNRESOLVED = "unresolved";

    private final TargetConfig target;
    private final ProberConfig config;
    private final PingFamilies families;
    private final Map<String, String> constantLabels;
    private final List<String> labelKeys;
    private final Clock clock;
    private final Resolver resolver;
    private final SecureRandom random = new SecureRandom();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<InetSocketAddress, Running> streams = new LinkedHashMap<>();
    private final SeriesLabels unresolvedLabels;
    private final AtomicLong resolveErrors;
    private final ThrottledLog streamFailures = ThrottledLog.every(LOG_INTERVAL, LOG);
    private final ThrottledLog resolveFailures = ThrottledLog.every(LOG_INTERVAL, LOG);
    private volatile String lastError;
    private Thread resolverThread;

    /** One address's stream. */
    private record Running(StreamSpec spec, StreamStats stats, StreamCounters meters, RecentProbes recent,
                           Thread thread, AtomicReference<ProbeStream> stream, CountDownLatch stopped) {
    }

    TargetSupervisor(TargetConfig target, ProberConfig config, PingFamilies families,
                     Map<String, String> constantLabels, List<String> labelKeys, Clock clock, Resolver resolver) {
        this.target = target;
        this.config = config;
        this.families = families;
        this.constantLabels = constantLabels;
        this.labelKeys = labelKeys;
        this.clock = clock;
        this.resolver = resolver;
        this.unresolvedLabels = labels(UNRESOLVED);
        this.resolveErrors = families.addUnresolved(unresolvedLabels);
    }

    TargetConfig target() {
        return target;
    }

    /** Starts probing. An IP literal needs no lookup, so its streams and meters exist when this returns. */
    void start() {
        if (isLiteral(target.host())) {
            // An IP literal never changes: one resolution, no resolver thread.
            resolveOnce();
            return;
        }
        resolverThread = Thread.ofVirtual().name("resolve-" + target.name()).start(() -> {
            try {
                while (true) {
                    boolean ok = resolveOrCount();
                    Duration wait = ok ? config.resolveInterval() : min(config.resolveInterval(), RESOLVE_RETRY);
                    if (stopping.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** One resolution; a failure of any kind is noted and retried, never the end of the resolver thread. */
    private boolean resolveOrCount() {
        try {
            return resolveOnce();
        } catch (Throwable e) {
            resolveErrors.incrementAndGet();
            lastError = "resolve: " + e;
            resolveFailures.log(Level.WARNING, () -> target.name() + ": resolving failed; retrying", e);
            return false;
        }
    }

    private boolean resolveOnce() {
        Set<InetSocketAddress> wanted = new LinkedHashSet<>();
        try {
            for (InetAddress address : resolver.resolve(target.host())) {
                if (wanted.size() == config.maxAddresses()) {
                    resolveFailures.log(Level.WARNING, () -> target.name() + " resolves to more than "
                            + config.maxAddresses() + " addresses; probing the first " + config.maxAddresses());
                    break;
                }
                wanted.add(new InetSocketAddress(address, target.port()));
            }
        } catch (UnknownHostException | SecurityException e) {
            resolveErrors.incrementAndGet();
            lastError = "resolve: " + target.host() + " does not resolve";
            return false;
        }
        if (wanted.isEmpty()) {
            resolveErrors.incrementAndGet();
            lastError = "resolve: " + target.host() + " has no address";
            return false;
        }
        lock.lock();
        try {
            if (stopping.getCount() == 0) {
                return true;
            }
            for (var it = streams.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (!wanted.contains(entry.getKey())) {
                    stop(entry.getValue());
                    families.remove(entry.getValue().meters().labels());
                    it.remove();
                }
            }
            for (InetSocketAddress address : wanted) {
                streams.computeIfAbsent(address, this::launch);
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    private Running launch(InetSocketAddress address) {
        StreamSpec spec = new StreamSpec(target.name(), address, target.mode(), target.interval(), target.timeout(),
                target.size(), 0, null);
        StreamStats stats = new StreamStats(config.statsWindow(), 0);
        StreamCounters meters = new StreamCounters(labels(spec.addressLabel()), stats::jitterSeconds, clock::millis);
        families.add(meters);
        RecentProbes recent = new RecentProbes();
        ProbeEvents events = ProbeEvents.all(stats, meters, recent);
        AtomicReference<ProbeStream> current = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch opened = new CountDownLatch(1);
        String name = "probe-" + target.name() + "-" + spec.addressLabel();
        Thread thread = config.receiveThread().builder(name).unstarted(() -> {
            while (stopped.getCount() > 0) {
                try {
                    ProbeStream stream;
                    try {
                        // The service's streams share wake-ups (the send timer sends on the pingclient.send-slot
                        // grid, this thread only reads): less CPU with many targets, a slightly larger RTT shown.
                        stream = ProbeStream.open(spec, config.pacing(), events, clock, random.nextLong());
                    } finally {
                        opened.countDown();
                    }
                    current.set(stream);
                    if (stopped.getCount() == 0) {
                        stream.close();
                        return;
                    }
                    stream.run();
                } catch (Throwable e) {
                    // No failure ends the stream's thread while the service runs: it is noted and retried.
                    stats.failure("socket: " + e.getMessage());
                    streamFailures.log(Level.WARNING, () -> target.name() + " " + spec.addressLabel() + ": "
                            + "probing failed; retrying", e);
                } finally {
                    ProbeStream stream = current.getAndSet(null);
                    if (stream != null) {
                        stream.close();
                    }
                }
                try {
                    if (stopped.await(SOCKET_RETRY.toNanos(), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Running running = new Running(spec, stats, meters, recent, thread, current, stopped);
        thread.start();
        // One stream's sockets open before the next stream starts: launched faster than the carriers can open them,
        // thousands of streams would queue seconds of start-up work ahead of the replies already on their way.
        try {
            if (!opened.await(OPEN_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                streamFailures.log(Level.WARNING, () -> name + ": its sockets did not open within "
                        + Durations.format(OPEN_WAIT) + "; starting the next stream anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return running;
    }

    private static void stop(Running running) {
        running.stopped().countDown();
        ProbeStream stream = running.stream().get();
        if (stream != null) {
            stream.stop();
        }
    }

    /** Stops every stream and the resolver; returns at once. */
    void stop() {
        lock.lock();
        try {
            stopping.countDown();
            streams.values().forEach(TargetSupervisor::stop);
        } finally {
            lock.unlock();
        }
    }

    /** Stops every stream and the resolver, and removes every series of this target (it left the configuration). */
    void retire() {
        lock.lock();
        try {
            stop();
            streams.values().forEach(r -> families.remove(r.meters().labels()));
            streams.clear();
            families.remove(unresolvedLabels);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for every thread to end. */
    boolean awaitStopped(long deadlineNanos) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        lock.lock();
        try {
            streams.values().forEach(r -> threads.add(r.thread()));
        } finally {
            lock.unlock();
        }
        if (resolverThread != null) {
            threads.add(resolverThread);
        }
        for (Thread thread : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** The API's entries: one per address, or one without address while the name has none. */
    List<Map<String, Object>> describe() {
        List<Map<String, Object>> entries = new ArrayList<>();
        lock.lock();
        try {
            for (Running running : streams.values()) {
                StreamStats.Snapshot s = running.stats().snapshot();
                Map<String, Object> entry = ReportFields.fields(target.name(), running.spec().addressLabel(),
                        target.mode().label(), s);
                entry.put("labels", target.labels());
                entry.put("window", config.statsWindow());
                entry.put("last_error", s.lastError() != null ? s.lastError() : lastError);
                entry.put("recent", running.recent().outcomes());
                entries.add(entry);
            }
        } finally {
            lock.unlock();
        }
        if (entries.isEmpty()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("target", target.name());
            entry.put("address", null);
            entry.put("mode", target.mode().label());
            entry.put("labels", target.labels());
            entry.put("last_error", lastError);
            entries.add(entry);
        }
        return entries;
    }

    private SeriesLabels labels(String address) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("target", target.name());
        labels.put("address", address);
        for (String key : labelKeys) {
            labels.put(key, target.labels().getOrDefault(key, ""));
        }
        return SeriesLabels.of(constantLabels, labels);
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

package dev.netlab.webserver.accesslog;

import dev.netlab.kit.log.RateLimitedLog;
import dev.netlab.webserver.http.HttpVersion;
import dev.netlab.webserver.http.RequestHead;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The access log: connections hand entries to a bounded queue without waiting, and one background thread formats and
 * writes them, so a slow disk never stalls an answer. An entry that finds the queue full is dropped and counted in
 * {@code webserver_access_log_dropped_total}. {@link #close()} writes what is queued and flushes.
 */
public final class AccessLog implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
    private static final RateLimitedLog FAILURES = RateLimitedLog.of(LOG, Duration.ofSeconds(10));
    private static final int BATCH = 256;
    private static final AccessLogEntry STOP = new AccessLogEntry(null, null, null, null, null, 0, 0, null, null, 0);

    private final AccessLogFormat format;
    private final AccessLogSink sink;
    private final Clock clock;
    private final BlockingQueue<AccessLogEntry> queue;
    private final Counter dropped;
    private final Thread writer;
    private volatile boolean closing;

    private AccessLog(AccessLogFormat format, AccessLogSink sink, int capacity, Clock clock, Counter dropped) {
        this.format = format;
        this.sink = sink;
        this.clock = clock;
        this.queue = sink == null ? null : new ArrayBlockingQueue<>(capacity);
        this.dropped = dropped;
        this.writer = sink == null ? null : Thread.ofPlatform().name("web-access-log").daemon().unstarted(this::drain);
    }

    /** Registers the dropped-lines counter at zero; the log writes nothing. */
    public static AccessLog off(MeterRegistry registry) {
        return new AccessLog(null, null, 0, null, droppedCounter(registry));
    }

    /** A log writing {@code format} lines to {@code sink} through a queue of {@code capacity} entries. */
    public static AccessLog to(AccessLogSink sink, AccessLogFormat format, int capacity, Clock clock,
                               MeterRegistry registry) {
        return new AccessLog(format, sink, capacity, clock, droppedCounter(registry));
    }

    /** The log {@code settings} ask for; the file target is opened for appending. */
    public static AccessLog create(AccessLogSettings settings, Clock clock, MeterRegistry registry) throws IOException {
        if (!settings.enabled()) {
            return off(registry);
        }
        AccessLogSink sink = settings.file().isEmpty() ? StreamSink.standardOutput()
                : StreamSink.file(settings.file().get());
        return to(sink, settings.format(), settings.queue(), clock, registry);
    }

    private static Counter droppedCounter(MeterRegistry registry) {
        return Counter.builder("webserver.access.log.dropped")
                .description("Access log lines dropped because the writer's queue was full (a slow disk or terminal)")
                .register(registry);
    }

    /** Starts the writer thread. */
    public void start() {
        if (writer != null) {
            writer.start();
        }
    }

    /** Whether entries are written at all: callers skip building them otherwise. */
    public boolean enabled() {
        return writer != null;
    }

    /**
     * Queues one answered request without blocking; counts it as dropped when the queue is full.
     *
     * @param head   the parsed request, or null when its head was refused
     * @param method the method token, or null when the request line did not parse
     */
    public void record(InetAddress remote, RequestHead head, String method, int status, long bytes, long nanos) {
        if (writer == null || closing) {
            return;
        }
        AccessLogEntry entry = head == null
                ? new AccessLogEntry(clock.instant(), remote, method, null, null, status, bytes, null, null, nanos)
                : new AccessLogEntry(clock.instant(), remote, method, head.target(),
                        head.version() == HttpVersion.HTTP_1_1 ? "HTTP/1.1" : "HTTP/1.0", status, bytes,
                        head.headers().first("referer"), head.headers().first("user-agent"), nanos);
        if (!queue.offer(entry)) {
            dropped.increment();
        }
    }

    /** The writer thread: takes what is queued, writes it in batches, flushes whenever the queue runs empty. */
    private void drain() {
        List<AccessLogEntry> batch = new ArrayList<>(BATCH);
        StringBuilder text = new StringBuilder(BATCH * 200);
        while (true) {
            try {
                AccessLogEntry first = queue.take();
                batch.add(first);
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, BATCH - 1);
            boolean stop = false;
            for (AccessLogEntry entry : batch) {
                if (entry == STOP) {
                    stop = true;
                } else {
                    format.append(entry, text);
                }
            }
            batch.clear();
            write(text, queue.isEmpty());
            text.setLength(0);
            if (stop || (closing && queue.isEmpty())) {
                return;
            }
        }
    }

    private void write(StringBuilder text, boolean flush) {
        try {
            if (!text.isEmpty()) {
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                sink.write(bytes, bytes.length);
            }
            if (flush) {
                sink.flush();
            }
        } catch (IOException e) {
            FAILURES.log(Level.WARNING, "access log write failed: " + e.getMessage(), null);
        }
    }

    /** Writes what is queued (waiting at most {@code timeout}), flushes and closes the target. */
    public void close(Duration timeout) {
        if (writer == null) {
            return;
        }
        closing = true;
        // Wakes a writer waiting on an empty queue; a full queue means it is busy and sees closing when done.
        queue.offer(STOP);
        try {
            if (writer.isAlive() && !writer.join(timeout)) {
                LOG.log(Level.WARNING, "access log: " + queue.size() + " lines not written at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sink.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing the access log failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** Entries waiting to be written (tests). */
    int queued() {
        return queue == null ? 0 : queue.size();
    }
}

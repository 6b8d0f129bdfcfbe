package dev.netlab.webserver.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A closed-loop HTTP/1.1 load client that counts what each connection got: {@code connections} keep-alive
 * connections each send a GET, read the whole answer, and send the next, back to back, for a bounded time. One
 * thread drives every connection through a selector (like {@code wrk -t1}), so the client itself serves the
 * connections in turn and any unfairness measured is the server's.
 *
 * <p>Self-contained (JDK only) so the benchmark can run it as a source file:
 * {@code java KeepAliveLoad.java --port 8080 --path /1k.bin --connections 64 --duration 5s}.
 */
public final class KeepAliveLoad {

    private static final int READ_BUFFER = 256 * 1024;
    private static final int MAX_HEAD = 16 * 1024;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress server;
    private final byte[] request;
    private final int connections;
    private final Duration duration;
    private final Duration grace;
    private final int inFlight;
    private final Duration pause;

    private KeepAliveLoad(InetSocketAddress server, byte[] request, int connections, Duration duration,
                          Duration grace, int inFlight, Duration pause) {
        this.server = server;
        this.request = request;
        this.connections = connections;
        this.duration = duration;
        this.grace = grace;
        this.inFlight = inFlight;
        this.pause = pause;
    }

    /**
     * A load of {@code connections} connections to {@code server} asking for {@code path} for {@code duration},
     * one request at a time each; answers still outstanding then get {@code grace} to arrive before their wait is
     * recorded as it stands.
     */
    public static KeepAliveLoad of(InetSocketAddress server, String path, int connections, Duration duration,
                                   Duration grace) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1: " + connections);
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        if (duration.isNegative() || duration.isZero() || grace.isNegative()) {
            throw new IllegalArgumentException("duration must be positive and grace not negative");
        }
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return new KeepAliveLoad(server, request, connections, duration, grace, 1, Duration.ZERO);
    }

    /** The same load with {@code requests} pipelined on each connection: a new one goes out as each answer ends. */
    public KeepAliveLoad inFlight(int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("in-flight requests must be at least 1: " + requests);
        }
        return new KeepAliveLoad(server, request, connections, duration, grace, requests, pause);
    }

    /** The same load with each connection waiting {@code between} after an answer before its next request. */
    public KeepAliveLoad pause(Duration between) {
        if (between.isNegative()) {
            throw new IllegalArgumentException("pause must not be negative: " + between);
        }
        return new KeepAliveLoad(server, request, connections, duration, grace, inFlight, between);
    }

    /** What the run measured: answers per connection, every answer's latency, the longest wait, failures. */
    public record Result(long[] answersPerConnection, long[] latenciesNanos, long longestWaitNanos, long errors,
                         Duration elapsed) {

        public long total() {
            return Arrays.stream(answersPerConnection).sum();
        }

        public long fewest() {
            return Arrays.stream(answersPerConnection).min().orElse(0);
        }

        public long most() {
            return Arrays.stream(answersPerConnection).max().orElse(0);
        }

        public double mean() {
            return (double) total() / answersPerConnection.length;
        }

        /** Most over fewest answers per connection (infinite when one connection got none). */
        public double spread() {
            return fewest() == 0 ? Double.POSITIVE_INFINITY : (double) most() / fewest();
        }

        public double answersPerSecond() {
            return total() / (elapsed.toNanos() / 1e9);
        }

        /** The latency at quantile {@code q} (0.99 for p99) in milliseconds, 0 without answers. */
        public double percentileMillis(double q) {
            if (latenciesNanos.length == 0) {
                return 0;
            }
            int index = (int) Math.min(latenciesNanos.length - 1, Math.ceil(q * latenciesNanos.length) - 1);
            return latenciesNanos[Math.max(0, index)] / 1e6;
        }

        /** One line for the benchmark script: fixed keys, space-separated. */
        public String summary() {
            return String.format(Locale.ROOT,
                    "connections=%d answers=%d answers_per_s=%.0f fewest=%d most=%d mean=%.1f spread=%.2f"
                            + " p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f longest_wait_ms=%.3f errors=%d",
                    answersPerConnection.length, total(), answersPerSecond(), fewest(), most(), mean(), spread(),
                    percentileMillis(0.50), percentileMillis(0.99), percentileMillis(0.999), longestWaitNanos / 1e6,
                    errors);
        }
    }

    /** Runs the load to its end and returns the counts. */
    public Result run() throws IOException {
        try (Selector selector = Selector.open()) {
            List<Client> clients = new ArrayList<>(connections);
            try {
                for (int i = 0; i < connections; i++) {
                    SocketChannel channel = SocketChannel.open(server);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.configureBlocking(false);
                    Client client = new Client(channel);
                    client.key = channel.register(selector, 0, client);
                    clients.add(client);
                }
                return drive(selector, clients);
            } finally {
                for (Client client : clients) {
                    client.channel.close();
                }
            }
        }
    }

    private Result drive(Selector selector, List<Client> clients) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocateDirect(READ_BUFFER);
        Latencies latencies = new Latencies();
        long start = System.nanoTime();
        long stopSending = start + duration.toNanos();
        long giveUp = stopSending + grace.toNanos();
        for (Client client : clients) {
            for (int i = 0; i < inFlight; i++) {
                client.queue(start);
            }
            client.flush();
        }
        long errors = 0;
        int active = clients.size();
        while (active > 0) {
            long now = System.nanoTime();
            if (now - giveUp >= 0) {
                break;
            }
            long wait = Math.min(100, (giveUp - now) / 1_000_000);
            for (Client client : clients) {
                if (client.dueAt != 0 && !client.finished) {
                    if (client.dueAt - now <= 0) {
                        client.dueAt = 0;
                        client.queue(now);
                        client.flush();
                    } else {
                        wait = Math.min(wait, (client.dueAt - now) / 1_000_000);
                    }
                }
            }
            selector.select(Math.max(1, wait));
            for (SelectionKey key : selector.selectedKeys()) {
                Client client = (Client) key.attachment();
                if (key.isValid() && key.isWritable()) {
                    client.flush();
                }
                if (!key.isValid() || !key.isReadable()) {
                    continue;
                }
                boolean open = client.read(scratch, latencies, stopSending);
                errors += client.takeErrors();
                if (!open || (client.outstanding == 0 && client.dueAt == 0)) {
                    client.finish();
                    active--;
                }
            }
            selector.selectedKeys().clear();
        }
        long end = System.nanoTime();
        // A request still unanswered at the end waited at least this long: a starved connection must show.
        long longest = latencies.max();
        for (Client client : clients) {
            if (client.outstanding > 0) {
                longest = Math.max(longest, end - client.oldestSent());
            }
        }
        long[] counts = clients.stream().mapToLong(c -> c.answers).toArray();
        return new Result(counts, latencies.sorted(), longest, errors, Duration.ofNanos(stopSending - start));
    }

    /** One connection's state: the requests being sent, the answer being read. */
    private final class Client {
        final SocketChannel channel;
        SelectionKey key;
        final ByteBuffer out = ByteBuffer.allocate(request.length * inFlight);
        final long[] sentAt = new long[inFlight];
        int oldest;
        int outstanding;
        /** When the next request is due after a pause (System.nanoTime), 0 when none is waiting. */
        long dueAt;
        final byte[] head = new byte[MAX_HEAD];
        int headLength;
        long bodyLeft = -1;
        int status;
        long answers;
        long errors;
        boolean finished;

        Client(SocketChannel channel) {
            this.channel = channel;
        }

        long oldestSent() {
            return sentAt[oldest];
        }

        /** Adds one request to what goes out, timed from {@code now}. */
        void queue(long now) {
            sentAt[(oldest + outstanding) % inFlight] = now;
            outstanding++;
            out.put(request);
        }

        void flush() throws IOException {
            out.flip();
            channel.write(out);
            out.compact();
            key.interestOps(out.position() > 0 ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
        }

        void finish() {
            if (!finished) {
                finished = true;
                dueAt = 0;
                key.cancel();
            }
        }

        long takeErrors() {
            long taken = errors;
            errors = 0;
            return taken;
        }

        /** Reads what arrived and accounts each answer it completes; false when the connection is unusable. */
        boolean read(ByteBuffer scratch, Latencies latencies, long stopSending) throws IOException {
            scratch.clear();
            int n;
            try {
                n = channel.read(scratch);
            } catch (IOException e) {
                errors++;
                return false;
            }
            if (n < 0) {
                errors++;
                return false;
            }
            scratch.flip();
            while (scratch.hasRemaining()) {
                if (outstanding == 0) {
                    // Bytes nobody asked for: the stream is out of step.
                    errors++;
                    return false;
                }
                if (bodyLeft < 0 && !readHead(scratch)) {
                    if (headLength == head.length || bodyLeft == -2) {
                        errors++;
                        return false;
                    }
                    continue;
                }
                int step = (int) Math.min(bodyLeft, scratch.remaining());
                scratch.position(scratch.position() + step);
                bodyLeft -= step;
                if (bodyLeft == 0) {
                    answered(System.nanoTime(), latencies, stopSending);
                }
            }
            flush();
            return true;
        }

        /** Consumes head bytes; true once the head is complete (bodyLeft set), -2 in bodyLeft when malformed. */
        private boolean readHead(ByteBuffer scratch) {
            while (scratch.hasRemaining() && headLength < head.length) {
                head[headLength++] = scratch.get();
                if (endsHead()) {
                    status = statusCode();
                    long length = contentLength();
                    bodyLeft = length < 0 ? -2 : length;
                    return length >= 0;
                }
            }
            return false;
        }

        private void answered(long now, Latencies latencies, long stopSending) {
            if (status == 200) {
                answers++;
                latencies.add(now - sentAt[oldest]);
            } else {
                errors++;
            }
            oldest = (oldest + 1) % inFlight;
            outstanding--;
            headLength = 0;
            bodyLeft = -1;
            if (now - stopSending < 0) {
                if (pause.isZero()) {
                    queue(now);
                } else if (outstanding == 0) {
                    dueAt = now + pause.toNanos();
                }
            }
        }

        private boolean endsHead() {
            return headLength >= 4 && head[headLength - 4] == '\r' && head[headLength - 3] == '\n'
                    && head[headLength - 2] == '\r' && head[headLength - 1] == '\n';
        }

        private int statusCode() {
            // "HTTP/1.1 200 ..."
            if (headLength < 12) {
                return -1;
            }
            return (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        }

        /** The Content-Length field's value, -1 when absent or malformed. */
        private long contentLength() {
            int lineStart = 0;
            for (int i = 0; i + 1 < headLength; i++) {
                if (head[i] == '\r' && head[i + 1] == '\n') {
                    long value = valueIfContentLength(lineStart, i);
                    if (value >= 0) {
                        return value;
                    }
                    lineStart = i + 2;
                }
            }
            return -1;
        }

        private long valueIfContentLength(int from, int to) {
            if (to - from <= CONTENT_LENGTH.length) {
                return -1;
            }
            for (int i = 0; i < CONTENT_LENGTH.length; i++) {
                if (Character.toLowerCase(head[from + i]) != CONTENT_LENGTH[i]) {
                    return -1;
                }
            }
            String value = new String(head, from + CONTENT_LENGTH.length, to - from - CONTENT_LENGTH.length,
                    StandardCharsets.US_ASCII).strip();
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    /** Every answer's latency, kept whole (a few MB for a long run) so percentiles are exact. */
    private static final class Latencies {
        private long[] values = new long[1 << 16];
        private int size;
        private long max;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
            max = Math.max(max, nanos);
        }

        long max() {
            return max;
        }

        long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }

    /**
     * {@code --host 127.0.0.1 --port N --path /1k.bin --connections 64 --duration 5s [--grace 2s] [--in-flight 1]
     * [--pause 0ms]}: runs the load and
     * prints {@link Result#summary()}; exit 2 on a usage error, 1 when the server could not be reached.
     */
    public static void main(String[] args) {
        String host = "127.0.0.1";
        int port = -1;
        String path = "/";
        int connections = 64;
        Duration duration = Duration.ofSeconds(5);
        Duration grace = Duration.ofSeconds(2);
        int inFlight = 1;
        Duration pause = Duration.ZERO;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + args[i]);
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--host" -> host = value;
                    case "--port" -> port = Integer.parseInt(value);
                    case "--path" -> path = value;
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--duration" -> duration = seconds(value);
                    case "--grace" -> grace = seconds(value);
                    case "--in-flight" -> inFlight = Integer.parseInt(value);
                    case "--pause" -> pause = seconds(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--port 1..65535 is required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("KeepAliveLoad: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.out.println(of(new InetSocketAddress(host, port), path, connections, duration, grace)
                    .inFlight(inFlight).pause(pause).run().summary());
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("KeepAliveLoad: " + e.getMessage());
            System.exit(1);
        }
    }

    /** "5s" or "500ms". */
    private static Duration seconds(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        throw new IllegalArgumentException("a duration is like 5s or 500ms: " + text);
    }
}

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Posts MESSAGES small messages to the mail service's API from CLIENTS concurrent clients, then (unless WAIT_SENT is
 * 0) waits until mailclient_messages_total{outcome="sent"} has grown by MESSAGES. Prints
 * "messages accept_seconds total_seconds refused p99_post_ms client_cpu_seconds service_cpu_ms compiler_cpu_ms
 * client_window_cpu_seconds" (the last: this JVM's CPU from the first request to the last scrape).
 * Usage: [APILOAD_SERVICE_PID=pid] java ApiLoad.java ADMIN_PORT MESSAGES CLIENTS WAIT_SENT [BATCH]
 *
 * <p>With APILOAD_SERVICE_PID the last two fields are the service's CPU (utime + stime of the process) and its C1/C2
 * compiler threads' CPU (their schedstat run time) inside the timed window only, from just before the first request
 * to the last scrape; without it they are -1. This is what the bench's settle criterion reads: compiling between
 * windows (while the next load client's JVM starts) does not count.
 *
 * <p>With BATCH over 1 each request is a {@code POST /api/messages/batch} of BATCH such messages (MESSAGES must be a
 * multiple of BATCH) and the p99 is per batch request.
 *
 * <p>Each client is one platform thread holding one keep-alive HTTP/1.1 connection, writing the same pre-built
 * request bytes and reading only the status line, the headers it needs and the body: 0.07-0.16 ms of CPU per POST
 * inside a timed window of 10,000 with the JVM's default JIT (C2 compiling in the fresh JVM), half that (0.04-0.06)
 * with C1 alone, as the bench scripts run it (-XX:TieredStopAtLevel=1). wrk took 0.02 for the same POSTs and the
 * service ran as fast under both (bench/RESULTS.md); the JDK's HttpClient cost about as much as the service itself
 * (0.7 ms), so the bench measured its client.
 *
 * <p>With CLIENTS "drain" it posts nothing: it waits until the sent counter reaches MESSAGES and prints
 * "messages_timed seconds service_cpu_seconds". With a SINK_PID after "drain", that process (the relay, stopped with
 * SIGSTOP before the service started) is continued with SIGCONT after the first look at the metrics, and the clock
 * starts then: every message waiting in the outbox is timed, not only those left at the first look.
 */
public final class ApiLoad {

    private static final Pattern CPU = Pattern.compile("(?m)^process_cpu_seconds_total (\\S+)$");
    private static final Pattern SENT = Pattern.compile("(?m)^mailclient_messages_total\\{[^}]*outcome=\"sent\"[^}]*\\} (\\S+)$");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int messages = Integer.parseInt(args[1]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        if (args[2].equals("drain")) {
            drain(http, metrics, messages, args.length > 3 ? Long.parseLong(args[3]) : -1);
            return;
        }
        int clients = Integer.parseInt(args[2]);
        boolean waitSent = !args[3].equals("0");
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        if (batch < 1 || messages % batch != 0) {
            throw new IllegalArgumentException("MESSAGES must be a multiple of BATCH");
        }
        double sentBefore = value(SENT, scrape(http, metrics));
        String one = "{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"subject\":\"bench\",\"text\":\""
                + "x".repeat(120) + "\"}";
        byte[] body = (batch == 1 ? one : "[" + String.join(",", java.util.Collections.nCopies(batch, one)) + "]")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("POST /api/messages" + (batch == 1 ? "" : "/batch") + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long[][] latencies = new long[clients][];
        long servicePid = Long.parseLong(System.getenv().getOrDefault("APILOAD_SERVICE_PID", "-1"));
        ServiceCpu cpuBefore = ServiceCpu.of(servicePid);
        double clientCpuBefore = processCpuSeconds();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().start(() -> latencies[client] = post(port, request, messages / batch,
                    next, refused, batch)));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double accepted = (System.nanoTime() - start) / 1e9;
        if (waitSent) {
            awaitSent(http, metrics, sentBefore + messages - refused.get());
        }
        double total = (System.nanoTime() - start) / 1e9;
        ServiceCpu cpuAfter = ServiceCpu.of(servicePid);
        long[] sorted = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(l -> l > 0).sorted().toArray();
        double p99 = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6;
        double cpu = processCpuSeconds();
        System.out.printf("%d %.3f %.3f %d %.1f %.2f %.0f %.0f %.3f%n", messages, accepted, total, refused.get(), p99,
                cpu, cpuAfter.processMs() - cpuBefore.processMs(), cpuAfter.compilerMs() - cpuBefore.compilerMs(),
                cpu - clientCpuBefore);
    }

    /** This JVM's CPU so far (all threads, its JIT included), in seconds. */
    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /**
     * The service's CPU so far: the process's (utime + stime in /proc/PID/stat, clock ticks, exited threads included)
     * and its JIT compiler threads' (sum of /proc/PID/task/TID/schedstat run time of the threads named "C1/C2
     * CompilerThread..."), in ms; both -1 without a pid. A compiler thread that exits inside the window (the JVM
     * starts and stops them by demand) takes its CPU with it, so the compiler figure is a lower bound then.
     */
    private record ServiceCpu(double processMs, double compilerMs) {

        static ServiceCpu of(long pid) throws IOException {
            if (pid <= 0) {
                return new ServiceCpu(-1, -1);
            }
            Path proc = Path.of("/proc", Long.toString(pid));
            String stat = Files.readString(proc.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command; USER_HZ is 100 on Linux.
            double processMs = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
            double compilerNs = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                for (Path task : tasks) {
                    try {
                        String name = Files.readString(task.resolve("comm")).strip();
                        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                            compilerNs += Long.parseLong(Files.readString(task.resolve("schedstat"))
                                    .split(" ")[0]);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // The thread ended between the listing and the read.
                    }
                }
            }
            return new ServiceCpu(processMs, compilerNs / 1e6);
        }
    }

    /**
     * One client: POSTs on its own keep-alive connection while requests are left ({@code messages} counts requests,
     * each of {@code batch} messages); returns its latencies in ns.
     */
    private static long[] post(int port, byte[] request, int messages, AtomicInteger next, AtomicInteger refused,
                               int batch) {
        long[] latencies = new long[messages];
        int done = 0;
        Socket socket = null;
        InputStream in = null;
        while (next.getAndIncrement() < messages) {
            long sent = System.nanoTime();
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress("127.0.0.1", port));
                    socket.setSoTimeout(60_000);
                    in = new BufferedInputStream(socket.getInputStream(), 4096);
                }
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                Response response = Response.read(in);
                if (response.status() != 202) {
                    refused.addAndGet(batch);
                }
                if (response.close()) {
                    socket.close();
                    socket = null;
                }
            } catch (IOException e) {
                refused.addAndGet(batch);
                closeQuietly(socket);
                socket = null;
            }
            latencies[done++] = System.nanoTime() - sent;
        }
        closeQuietly(socket);
        return Arrays.copyOf(latencies, done);
    }

    /** The status of one HTTP/1.1 response (its body read and dropped), and whether the server closes after it. */
    private record Response(int status, boolean close) {

        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = 0;
            boolean close = false;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    length = Long.parseLong(header.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("connection") && header.toLowerCase().contains("close")) {
                    close = true;
                }
            }
            in.skipNBytes(length);
            return new Response(status, close);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection closed mid-response");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Gone already.
            }
        }
    }

    /** Scrapes the service every 25 ms until its sent counter reaches {@code target}; the last scrape. */
    private static String awaitSent(HttpClient http, URI metrics, double target) throws Exception {
        String last = scrape(http, metrics);
        while (value(SENT, last) < target) {
            Thread.sleep(25);
            last = scrape(http, metrics);
        }
        return last;
    }

    private static void drain(HttpClient http, URI metrics, int messages, long sinkPid) throws Exception {
        String first = scrape(http, metrics);
        long start = System.nanoTime();
        if (sinkPid > 0) {
            // The relay was stopped before the service started: nothing has been sent yet; let it go now.
            new ProcessBuilder("kill", "-CONT", Long.toString(sinkPid)).inheritIO().start().waitFor();
        }
        String last = awaitSent(http, metrics, messages);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%.0f %.3f %.3f%n", value(SENT, last) - value(SENT, first), seconds,
                value(CPU, last) - value(CPU, first));
    }

    private static String scrape(HttpClient http, URI metrics) throws Exception {
        return http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double value(Pattern meter, String text) {
        Matcher m = meter.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Posts MESSAGES small messages to the mail service's API from CLIENTS concurrent clients, then (unless WAIT_SENT is
 * 0) waits until mailclient_messages_total{outcome="sent"} has grown by MESSAGES. Prints
 * "messages accept_seconds total_seconds refused p99_post_ms client_cpu_seconds". Usage: java ApiLoad.java ADMIN_PORT MESSAGES CLIENTS WAIT_SENT
 * With CLIENTS "drain" it posts nothing: it waits until the sent counter reaches MESSAGES and prints
 * "messages_timed seconds service_cpu_seconds", from its first look at the metrics (a delivery-only rate).
 */
public final class ApiLoad {

    private static final Pattern CPU = Pattern.compile("(?m)^process_cpu_seconds_total (\\S+)$");
    private static final Pattern SENT = Pattern.compile("(?m)^mailclient_messages_total\\{[^}]*outcome=\"sent\"[^}]*\\} (\\S+)$");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int messages = Integer.parseInt(args[1]);
        if (args[2].equals("drain")) {
            drain(port, messages);
            return;
        }
        int clients = Integer.parseInt(args[2]);
        boolean waitSent = !args[3].equals("0");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI api = URI.create("http://127.0.0.1:" + port + "/api/messages");
        URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        double sentBefore = sent(http, metrics);
        String body = "{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"subject\":\"bench\",\"text\":\""
                + "x".repeat(120) + "\"}";
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (next.getAndIncrement() < messages) {
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(api)
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 202) {
                            refused.incrementAndGet();
                        }
                        latencies.add(System.nanoTime() - sent);
                    } catch (Exception e) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double accepted = (System.nanoTime() - start) / 1e9;
        while (waitSent && sent(http, metrics) - sentBefore < messages - refused.get()) {
            Thread.sleep(20);
        }
        double total = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double p99 = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6;
        double cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        System.out.printf("%d %.3f %.3f %d %.1f %.2f%n", messages, accepted, total, refused.get(), p99, cpu);
    }

    private static void drain(int port, int messages) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        long start = System.nanoTime();
        String first = scrape(http, metrics);
        String last = first;
        while (value(SENT, last) < messages) {
            Thread.sleep(50);
            last = scrape(http, metrics);
        }
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

    private static double sent(HttpClient http, URI metrics) throws Exception {
        String text = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = SENT.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}

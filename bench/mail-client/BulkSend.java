import dev.netlab.mailclient.smtp.DeliveryOutcome;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.SmtpObserver;
import dev.netlab.mailclient.smtp.SmtpSession;
import dev.netlab.mailclient.smtp.Timeouts;
import dev.netlab.mailclient.smtp.TlsMode;
import dev.netlab.mailclient.smtp.TlsOptions;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's bulk path for bench/mail-client.sh: SESSIONS connections, each keeping its connection for its share of
 * MESSAGES small messages, like smtp-source -d. Each session takes BATCH messages at a time and hands them to
 * {@code SmtpSession.sendAll} (BATCH 1: {@code send} per message, as the service's delivery workers do). THREADS is
 * virtual (the default, as the delivery workers) or platform. Prints "messages seconds failed cpu-seconds" (the
 * process's CPU time during the timed round) after warm-up rounds in the same JVM (see {@link #warmUp}).
 * Usage: java -cp mail-client.jar BulkSend.java HOST PORT MESSAGES SESSIONS [virtual|platform] [BATCH]
 */
public final class BulkSend {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int messages = Integer.parseInt(args[2]);
        int sessions = Integer.parseInt(args[3]);
        Thread.Builder threads = args.length > 4 && args[4].equals("platform") ? Thread.ofPlatform()
                : Thread.ofVirtual();
        int batch = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        warmUp(host, port, sessions, threads, batch);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        int failed = run(host, port, messages, sessions, threads, batch);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        System.out.printf("%d %.3f %d %.3f%n", messages, seconds, failed, cpu);
    }

    /**
     * Warm-up rounds of 5,000 messages, each on new sessions as the timed round is, until one adds less than 20 ms of
     * JIT compilation (at least 3 rounds, at most 12). One round of 1,000 was not enough: C2 compiled the hot path
     * without the branches a new session takes (EHLO's multi-line reply), so the timed round's own session set-up hit
     * those uncommon traps, and deoptimising and recompiling took a quarter of its CPU.
     */
    private static void warmUp(String host, int port, int sessions, Thread.Builder threads, int batch)
            throws Exception {
        var jit = ManagementFactory.getCompilationMXBean();
        int rounds = 0;
        long compiled;
        do {
            long before = jit.getTotalCompilationTime();
            run(host, port, 5_000, sessions, threads, batch);
            compiled = jit.getTotalCompilationTime() - before;
            rounds++;
        } while (rounds < 12 && (rounds < 3 || compiled >= 20));
        System.err.printf("warm-up: %d rounds of 5,000 messages, %d ms of JIT in the last%n", rounds, compiled);
    }

    private static int run(String host, int port, int messages, int sessions, Thread.Builder builder, int batch)
            throws Exception {
        SessionOptions options = new SessionOptions(host, port, TlsOptions.verified(TlsMode.NONE), Optional.empty(),
                Optional.empty(), Optional.empty(), Timeouts.all(Duration.ofSeconds(30)));
        byte[] content = ("From: a@example.org\r\nTo: b@example.org\r\nSubject: bench\r\n\r\n" + "x".repeat(120)
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        OutgoingMessage message = new OutgoingMessage("a@example.org", List.of("b@example.org"), content);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            threads.add(builder.start(() -> {
                try (SmtpSession session = SmtpSession.open(options, SmtpObserver.none())) {
                    int first;
                    while ((first = next.getAndAdd(batch)) < messages) {
                        int count = Math.min(batch, messages - first);
                        List<DeliveryOutcome> outcomes = count == 1 ? List.of(session.send(message))
                                : sendAll(session, Collections.nCopies(count, message));
                        for (DeliveryOutcome outcome : outcomes) {
                            if (!(outcome instanceof DeliveryOutcome.Delivered)) {
                                failed.incrementAndGet();
                            }
                        }
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    System.err.println("session failed: " + e.getMessage());
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return failed.get();
    }

    /** {@code session.sendAll} found at run time, so that BATCH 1 also runs against jars from before it existed. */
    @SuppressWarnings("unchecked")
    private static List<DeliveryOutcome> sendAll(SmtpSession session, List<OutgoingMessage> messages)
            throws ReflectiveOperationException {
        return (List<DeliveryOutcome>) SmtpSession.class.getMethod("sendAll", List.class).invoke(session, messages);
    }
}

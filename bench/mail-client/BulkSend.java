import dev.netlab.mailclient.smtp.DeliveryOutcome;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.SmtpObserver;
import dev.netlab.mailclient.smtp.SmtpSession;
import dev.netlab.mailclient.smtp.Timeouts;
import dev.netlab.mailclient.smtp.TlsMode;
import dev.netlab.mailclient.smtp.TlsOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's bulk path for bench/mail-client.sh: SESSIONS connections on virtual threads, each sending its share of
 * MESSAGES small messages with RSET between them, like smtp-source -d. Prints "messages seconds failed".
 * Usage: java -cp mail-client.jar BulkSend.java HOST PORT MESSAGES SESSIONS
 */
public final class BulkSend {

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int messages = Integer.parseInt(args[2]);
        int sessions = Integer.parseInt(args[3]);
        run(host, port, Math.min(messages, 1000), sessions);
        long start = System.nanoTime();
        int failed = run(host, port, messages, sessions);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d %.3f %d%n", messages, seconds, failed);
    }

    private static int run(String host, int port, int messages, int sessions) throws Exception {
        SessionOptions options = new SessionOptions(host, port, TlsOptions.verified(TlsMode.NONE), Optional.empty(),
                Optional.empty(), Optional.empty(), Timeouts.all(Duration.ofSeconds(30)));
        byte[] content = ("From: a@example.org\r\nTo: b@example.org\r\nSubject: bench\r\n\r\n" + "x".repeat(120)
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        OutgoingMessage message = new OutgoingMessage("a@example.org", List.of("b@example.org"), content);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (SmtpSession session = SmtpSession.open(options, SmtpObserver.none())) {
                    while (next.getAndIncrement() < messages) {
                        if (!(session.send(message) instanceof DeliveryOutcome.Delivered)) {
                            failed.incrementAndGet();
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
}

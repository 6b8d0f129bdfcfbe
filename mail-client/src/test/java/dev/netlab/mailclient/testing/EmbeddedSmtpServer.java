package dev.netlab.mailclient.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * SubEthaSMTP on a loopback port: STARTTLS (required) with AUTH PLAIN/LOGIN against one user, or implicit TLS, or
 * plain. It keeps every message it accepted: envelope and data exactly as received (after the server removed the
 * dot-stuffing, so a stuffed line shows as the user wrote it).
 */
public final class EmbeddedSmtpServer implements AutoCloseable {

    /** One accepted message. */
    public record Received(String from, List<String> recipients, byte[] data, boolean authenticated) {
    }

    /** Decides the reply to each RCPT: 250 accepts, any other code refuses with it. */
    @FunctionalInterface
    public interface RecipientPolicy {
        int replyTo(String recipient);
    }

    private final SMTPServer server;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final RecipientPolicy policy;
    private final Duration dataDelay;
    /** Open unless the server holds every message's reply until {@link #release()}. */
    private final CountDownLatch held;
    private final AtomicInteger holding = new AtomicInteger();

    private EmbeddedSmtpServer(SMTPServer.Builder builder) {
        this(builder, r -> 250, Duration.ZERO, new CountDownLatch(0));
    }

    private EmbeddedSmtpServer(SMTPServer.Builder builder, RecipientPolicy policy, Duration dataDelay,
                               CountDownLatch held) {
        this.policy = policy;
        this.dataDelay = dataDelay;
        this.held = held;
        this.server = builder.messageHandlerFactory(this::handler).build();
        server.start();
    }

    private static SMTPServer.Builder base() {
        return base(0);
    }

    private static SMTPServer.Builder base(int port) {
        return SMTPServer.port(port).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost")
                .connectionTimeout(10, TimeUnit.SECONDS);
    }

    /** No TLS, no AUTH, on {@code port} (0: any), answering each RCPT as {@code policy} says. */
    public static EmbeddedSmtpServer plain(int port, RecipientPolicy policy) {
        return new EmbeddedSmtpServer(base(port), policy, Duration.ZERO, new CountDownLatch(0));
    }

    /** As {@link #plain(int, RecipientPolicy)}, taking {@code dataDelay} over each message (a slow relay). */
    public static EmbeddedSmtpServer plain(int port, RecipientPolicy policy, Duration dataDelay) {
        return new EmbeddedSmtpServer(base(port), policy, dataDelay, new CountDownLatch(0));
    }

    /**
     * No TLS, no AUTH, on any port: it reads each message's data, then holds its reply until {@link #release()}, so a
     * test decides when a delivery under way ends, however slow or frozen the machine is.
     */
    public static EmbeddedSmtpServer holdingReplies() {
        return new EmbeddedSmtpServer(base(0), r -> 250, Duration.ZERO, new CountDownLatch(1));
    }

    /** STARTTLS required before anything else, AUTH PLAIN and LOGIN for {@code user}/{@code password}. */
    public static EmbeddedSmtpServer startTlsWithAuth(SSLContext context, String user, String password) {
        return new EmbeddedSmtpServer(base().enableTLS().requireTLS().requireAuth()
                .startTlsSocketFactory(context)
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory(
                        (u, p, ctx) -> check(user, password, u, p))));
    }

    /** TLS from the first byte (port 465 style), AUTH for {@code user}/{@code password}. */
    public static EmbeddedSmtpServer implicitTlsWithAuth(SSLContext context, String user, String password) {
        return new EmbeddedSmtpServer(base().serverSocketFactory(context).requireAuth()
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory(
                        (u, p, ctx) -> check(user, password, u, p))));
    }

    /** No TLS, no AUTH. */
    public static EmbeddedSmtpServer plain() {
        return new EmbeddedSmtpServer(base());
    }

    private static void check(String user, String password, String givenUser, String givenPassword)
            throws LoginFailedException {
        if (!user.equals(givenUser) || !password.equals(givenPassword)) {
            throw new LoginFailedException();
        }
    }

    private MessageHandler handler(MessageContext context) {
        return new MessageHandler() {
            private String from;
            private final List<String> recipients = new ArrayList<>();

            @Override
            public void from(String address) throws RejectException {
                from = address;
            }

            @Override
            public void recipient(String address) throws RejectException {
                int code = policy.replyTo(address);
                if (code != 250) {
                    throw new RejectException(code, (code < 500 ? "4.3.0" : "5.1.1") + " refused by the test");
                }
                recipients.add(address);
            }

            @Override
            public String data(InputStream data) throws IOException {
                if (!dataDelay.isZero()) {
                    try {
                        // A relay that takes its time over each message, so a test can stop the client mid-way.
                        Thread.sleep(dataDelay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted");
                    }
                }
                byte[] bytes = data.readAllBytes();
                holding.incrementAndGet();
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                } finally {
                    holding.decrementAndGet();
                }
                received.add(new Received(from, List.copyOf(recipients), bytes,
                        context.getAuthenticationHandler().isPresent()));
                return "2.0.0 queued as EMBEDDED" + received.size();
            }

            @Override
            public void done() {
            }
        };
    }

    /** Lets the held replies (and every later one) go out. */
    public void release() {
        held.countDown();
    }

    /** How many messages' data this server has read and holds the reply to. */
    public int holding() {
        return holding.get();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public Optional<Received> only() {
        List<Received> all = received();
        if (all.size() > 1) {
            throw new AssertionError("expected at most one message, got " + all.size());
        }
        return all.stream().findFirst();
    }

    @Override
    public void close() {
        release();
        server.stop();
    }
}

package dev.netlab.mailclient.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The wire under one SMTP session: writes commands, reads replies, tells the observer both, and turns every I/O
 * failure into an {@link SmtpFailure} that leaves the connection broken. The stages ({@link Hello}, {@link StartTls},
 * {@link Authenticator}, {@link MailTransaction}) speak through it; it knows no stage's rules.
 */
final class SmtpConnection {

    // Java has no write timeout: a watchdog closes the socket when a write blocks past its stage's timeout.
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final Timeouts timeouts;
    private final SmtpObserver observer;
    private Socket socket;
    private OutputStream out;
    private ReplyReader reader;
    private boolean tls;
    private boolean broken;
    private boolean closed;
    private volatile boolean writeTimedOut;
    private Capabilities capabilities = Capabilities.none();

    SmtpConnection(Socket socket, Timeouts timeouts, SmtpObserver observer) throws SmtpFailure {
        this.timeouts = timeouts;
        this.observer = observer;
        use(socket, false);
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1,
                Thread.ofPlatform().daemon().name("smtp-write-watchdog").factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Switches to {@code s} (the TLS socket layered over the plain one). */
    void use(Socket s, boolean secured) throws SmtpFailure {
        try {
            this.socket = s;
            this.out = s.getOutputStream();
            this.reader = new ReplyReader(s.getInputStream(), s::setSoTimeout, System::nanoTime);
            this.tls = secured;
        } catch (IOException e) {
            broken = true;
            closeQuietly(s);
            throw new SmtpFailure(Stage.CONNECT, "connection lost: " + e.getMessage(), Optional.empty(), true, e);
        }
    }

    Socket socket() {
        return socket;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    SmtpObserver observer() {
        return observer;
    }

    boolean isTls() {
        return tls;
    }

    Capabilities capabilities() {
        return capabilities;
    }

    void capabilities(Capabilities learned) {
        this.capabilities = learned;
    }

    /** Whether the server sent bytes no reply has consumed yet. */
    boolean hasBufferedBytes() {
        return reader.hasBufferedBytes();
    }

    /** Whether another command may still be sent. */
    boolean isUsable() {
        return !broken && !closed;
    }

    /** Sends one command line and reads its reply. */
    Reply command(Stage stage, SmtpCommand command, String line, Timeouts.Stage timeout) throws SmtpFailure {
        writeLines(stage, List.of(line), timeout);
        return readReply(stage, command, timeout);
    }

    /** Sends {@code lines} in one write (a PIPELINING group). */
    void writeLines(Stage stage, List<String> lines, Timeouts.Stage timeout) throws SmtpFailure {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : lines) {
            observer.sent(line, tls);
            bytes.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            bytes.write('\r');
            bytes.write('\n');
        }
        write(stage, bytes.toByteArray(), timeout);
    }

    /** Writes raw bytes (message data, a secret line the observer saw redacted). */
    void write(Stage stage, byte[] bytes, Timeouts.Stage timeoutStage) throws SmtpFailure {
        Duration timeout = timeouts.of(timeoutStage);
        writeTimedOut = false;
        Socket target = socket;
        ScheduledFuture<?> guard = WATCHDOG.schedule(() -> {
            writeTimedOut = true;
            closeQuietly(target);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            String why = writeTimedOut ? "sending timed out after " + HumanDuration.of(timeout)
                    : "connection lost: " + e.getMessage();
            throw fail(new SmtpFailure(stage, why, Optional.empty(), true, null));
        } finally {
            guard.cancel(false);
        }
    }

    /** Reads one reply and tells the observer which command it answers. */
    Reply readReply(Stage stage, SmtpCommand command, Timeouts.Stage timeoutStage) throws SmtpFailure {
        Reply reply;
        try {
            reply = reader.read(timeouts.of(timeoutStage), capabilities.enhancedStatusCodes());
        } catch (SmtpTimeoutException e) {
            throw fail(new SmtpFailure(stage, e.getMessage(), Optional.empty(), true, null));
        } catch (SmtpProtocolException e) {
            throw fail(new SmtpFailure(stage, "protocol error: " + e.getMessage(), Optional.empty(), true, null));
        } catch (SmtpException e) {
            throw fail(new SmtpFailure(stage, e.getMessage(), Optional.empty(), true, null));
        }
        for (String line : reply.wireLines()) {
            observer.received(line, tls);
        }
        observer.reply(command, reply);
        return reply;
    }

    /** A failure that leaves the connection unusable when it is an I/O failure; a refusal still allows QUIT. */
    SmtpFailure fail(SmtpFailure failure) {
        if (failure.reply().isEmpty()) {
            broken = true;
            closeQuietly(socket);
        }
        return failure;
    }

    /** QUIT (unless the connection is broken), then close. */
    void quitQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!broken) {
                try {
                    command(Stage.CONNECT, SmtpCommand.QUIT, "QUIT", Timeouts.Stage.COMMAND);
                } catch (SmtpFailure e) {
                    // The server hanging up on QUIT changes nothing.
                }
            }
        } finally {
            closeQuietly(socket);
        }
    }

    /** Closes without QUIT. */
    void abort() {
        closed = true;
        broken = true;
        closeQuietly(socket);
    }

    /** The EHLO name when none is configured: our address literal ({@code [127.0.0.1]}, {@code [IPv6:::1]}). */
    String addressLiteral() {
        InetAddress local = socket.getLocalAddress();
        return local instanceof Inet6Address
                ? "[IPv6:" + local.getHostAddress() + "]" : "[" + local.getHostAddress() + "]";
    }

    static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    static void closeQuietly(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException e) {
            // Closing is best effort.
        }
    }
}

package dev.netlab.mailclient.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The wire under one SMTP session: writes commands, reads replies, tells the observer both, and turns every I/O
 * failure into an {@link SmtpFailure} that leaves the connection broken. The stages ({@link Hello}, {@link StartTls},
 * {@link Authenticator}, {@link MailTransaction}) speak through it; it knows no stage's rules.
 */
final class SmtpConnection {

    /** Commands of one group (and small message data) are gathered here and written with one flush. */
    private static final int WRITE_BUFFER = 16 * 1024;
    /** Message data beyond this goes out in blocks of this size, each with its own block timeout. */
    private static final int DATA_BLOCK = 64 * 1024;

    private final Timeouts timeouts;
    private final SmtpObserver observer;
    private final IoWatchdog watchdog;
    // The TCP socket under any TLS: what the watchdog closes (that ends a blocked read or write at once, where closing
    // a TLS socket would first try to write its close_notify).
    private final Socket plain;
    private volatile Socket socket;
    private OutputStream out;
    private ReplyReader reader;
    private byte[] pending = new byte[WRITE_BUFFER];
    private int pendingLength;
    private boolean tls;
    private boolean broken;
    private boolean closed;
    private Capabilities capabilities = Capabilities.none();

    SmtpConnection(Socket socket, Timeouts timeouts, SmtpObserver observer) throws SmtpFailure {
        this.timeouts = timeouts;
        this.observer = observer;
        this.plain = socket;
        this.watchdog = new IoWatchdog(() -> closeQuietly(plain), System::nanoTime);
        use(socket, false);
    }

    /** Switches to {@code s} (the TLS socket layered over the plain one). */
    void use(Socket s, boolean secured) throws SmtpFailure {
        try {
            this.socket = s;
            this.out = s.getOutputStream();
            // Reads have no socket timeout (the handshake's is cleared): the watchdog bounds them, without a timer
            // per read.
            s.setSoTimeout(0);
            this.reader = new ReplyReader(s.getInputStream(), watchdog, System::nanoTime);
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
        queue(line);
        flush(stage, timeout);
        return readReply(stage, command, timeout);
    }

    /** Sends {@code lines} in one write (a PIPELINING group). */
    void writeLines(Stage stage, List<String> lines, Timeouts.Stage timeout) throws SmtpFailure {
        for (String line : lines) {
            queue(line);
        }
        flush(stage, timeout);
    }

    /** Adds one command line to the group that the next {@link #flush} writes, and tells the observer. */
    void queue(String line) {
        observer.sent(line, tls);
        reserve(line.length() * 3 + 2);
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch >= 0x80) {
                // An SMTPUTF8 address: encode the whole line as UTF-8 (RFC 6531) instead of byte by byte.
                byte[] utf8 = line.substring(i).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, pending, pendingLength, utf8.length);
                pendingLength += utf8.length;
                break;
            }
            pending[pendingLength++] = (byte) ch;
        }
        pending[pendingLength++] = '\r';
        pending[pendingLength++] = '\n';
    }

    /**
     * Sends message data (already encoded: CRLF, dot-stuffed, final dot) after whatever is queued: small data joins
     * the group (the next {@link #flush} writes it, so the next transaction's commands may follow in the same write,
     * RFC 2920 section 3.1); larger data is written now in blocks of 64 KiB, each within the data block timeout.
     */
    void queueData(Stage stage, byte[] data) throws SmtpFailure {
        if (pendingLength + data.length <= WRITE_BUFFER) {
            System.arraycopy(data, 0, pending, pendingLength, data.length);
            pendingLength += data.length;
            return;
        }
        flush(stage, Timeouts.Stage.DATA_BLOCK);
        for (int offset = 0; offset < data.length; offset += DATA_BLOCK) {
            writeOut(stage, data, offset, Math.min(DATA_BLOCK, data.length - offset), Timeouts.Stage.DATA_BLOCK);
        }
    }

    /** Writes everything queued, in one write. */
    void flush(Stage stage, Timeouts.Stage timeout) throws SmtpFailure {
        if (pendingLength == 0) {
            return;
        }
        int length = pendingLength;
        pendingLength = 0;
        writeOut(stage, pending, 0, length, timeout);
    }

    /** Writes raw bytes now (a secret line the observer saw redacted), after whatever is queued. */
    void write(Stage stage, byte[] bytes, Timeouts.Stage timeoutStage) throws SmtpFailure {
        flush(stage, timeoutStage);
        writeOut(stage, bytes, 0, bytes.length, timeoutStage);
    }

    private void reserve(int more) {
        if (pendingLength + more > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + more));
        }
    }

    private void writeOut(Stage stage, byte[] bytes, int offset, int length, Timeouts.Stage timeoutStage)
            throws SmtpFailure {
        Duration timeout = timeouts.of(timeoutStage);
        watchdog.start(timeout);
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            String why = watchdog.expired() ? "sending timed out after " + HumanDuration.of(timeout)
                    : "connection lost: " + e.getMessage();
            throw fail(new SmtpFailure(stage, why, Optional.empty(), true, null));
        } finally {
            watchdog.end();
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
            pendingLength = 0;
            watchdog.stop();
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
            watchdog.stop();
            closeQuietly(socket);
        }
    }

    /** Closes without QUIT. */
    void abort() {
        closed = true;
        broken = true;
        watchdog.stop();
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

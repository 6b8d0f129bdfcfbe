package dev.netlab.mailclient.smtp;

import dev.netlab.mailclient.smtp.DeliveryOutcome.Delivered;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Failed;
import dev.netlab.mailclient.smtp.DeliveryOutcome.PartiallyDelivered;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Refused;
import dev.netlab.mailclient.smtp.DeliveryOutcome.Stopped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP connection, client side (RFC 5321). Set it up step by step ({@link #connect}, {@link #greeting},
 * {@link #hello}, {@link #startTls}, {@link #authenticate}) or all at once ({@link #open}); then {@link #send} one or
 * more messages (RSET between them) and {@link #close} (QUIT). Every failure while setting up is an
 * {@link SmtpFailure} naming its {@link Stage}; a message's fate is a {@link DeliveryOutcome}.
 *
 * <p>A session serves one caller at a time: a {@link ReentrantLock} guards each exchange, never a monitor, so virtual
 * threads blocked in socket I/O do not pin their carrier.
 */
public final class SmtpSession implements AutoCloseable {

    private static final int DATA_CHUNK = 64 * 1024;

    // Java has no write timeout: a watchdog closes the socket when a write blocks past its stage's timeout.
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final SessionOptions options;
    private final SmtpObserver observer;
    private final TlsConnector tlsConnector;
    private final ReentrantLock lock = new ReentrantLock();

    private Socket socket;
    private OutputStream out;
    private ReplyReader reader;
    private boolean tls;
    private boolean broken;
    private boolean closed;
    private volatile boolean writeTimedOut;
    private Capabilities capabilities = Capabilities.none();
    private int transactions;

    private SmtpSession(SessionOptions options, SmtpObserver observer, TlsConnector tlsConnector) {
        this.options = options;
        this.observer = observer;
        this.tlsConnector = tlsConnector;
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1,
                Thread.ofPlatform().daemon().name("smtp-write-watchdog").factory());
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /**
     * Connects (and for implicit TLS, completes the handshake); reads nothing yet.
     *
     * @throws SmtpFailure at {@link Stage#CONNECT} or {@link Stage#TLS}
     */
    public static SmtpSession connect(SessionOptions options, SmtpObserver observer) throws SmtpFailure {
        TlsConnector connector;
        try {
            connector = options.tls().mode() == TlsMode.NONE ? null : TlsConnector.create(options.tls());
        } catch (IOException e) {
            throw new SmtpFailure(Stage.TLS, e.getMessage(), Optional.empty(), false, e);
        }
        if (options.tls().insecure() && options.tls().mode() != TlsMode.NONE) {
            observer.warning("--insecure: the server's certificate and host name are NOT verified");
        }
        SmtpSession session = new SmtpSession(options, observer, connector);
        session.open();
        return session;
    }

    /** Connects and sets the session up: greeting, EHLO (or HELO), TLS as configured, AUTH when credentials are set. */
    public static SmtpSession open(SessionOptions options, SmtpObserver observer) throws SmtpFailure {
        SmtpSession session = connect(options, observer);
        try {
            session.greeting();
            session.hello();
            if (options.tls().mode() == TlsMode.STARTTLS) {
                session.startTls();
            }
            if (options.credentials().isPresent()) {
                session.authenticate();
            }
            return session;
        } catch (SmtpFailure e) {
            session.close();
            throw e;
        }
    }

    private void open() throws SmtpFailure {
        String where = options.host() + ":" + options.port();
        observer.note("Trying " + where + "...");
        Socket plain = new Socket();
        Duration timeout = options.timeouts().of(Timeouts.Stage.CONNECT);
        try {
            InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
            if (address.isUnresolved()) {
                throw new UnknownHostException(options.host());
            }
            plain.connect(address, millis(timeout));
            plain.setTcpNoDelay(true);
            String ip = address.getAddress().getHostAddress();
            observer.note("Connected to " + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + options.port() + ".");
        } catch (UnknownHostException e) {
            closeQuietly(plain);
            throw new SmtpFailure(Stage.CONNECT, "cannot resolve " + options.host(), Optional.empty(), true, e);
        } catch (SocketTimeoutException e) {
            closeQuietly(plain);
            throw new SmtpFailure(Stage.CONNECT, "cannot connect to " + where + ": timed out after "
                    + HumanDuration.of(timeout), Optional.empty(), true, e);
        } catch (ConnectException | NoRouteToHostException e) {
            closeQuietly(plain);
            throw new SmtpFailure(Stage.CONNECT, "cannot connect to " + where + ": " + e.getMessage(),
                    Optional.empty(), true, e);
        } catch (IOException e) {
            closeQuietly(plain);
            throw new SmtpFailure(Stage.CONNECT, "cannot connect to " + where + ": " + e, Optional.empty(), true, e);
        }
        useSocket(plain);
        if (options.tls().mode() == TlsMode.IMPLICIT) {
            handshake();
        }
    }

    private void useSocket(Socket s) throws SmtpFailure {
        Socket current = s;
        try {
            this.socket = current;
            this.out = current.getOutputStream();
            this.reader = new ReplyReader(current.getInputStream(), current::setSoTimeout, System::nanoTime);
        } catch (IOException e) {
            broken = true;
            closeQuietly(current);
            throw new SmtpFailure(Stage.CONNECT, "connection lost: " + e.getMessage(), Optional.empty(), true, e);
        }
    }

    /** Reads the server's greeting, which must be 220 (a 554 refuses the session). */
    public Reply greeting() throws SmtpFailure {
        lock.lock();
        try {
            Reply reply = readReply(Stage.GREETING, SmtpCommand.GREETING, Timeouts.Stage.GREETING);
            if (reply.code() != 220) {
                throw fail(SmtpFailure.refused(Stage.GREETING, "greeting refused", reply));
            }
            return reply;
        } finally {
            lock.unlock();
        }
    }

    /** EHLO, and HELO when the server refuses EHLO with a permanent error; learns the capabilities. */
    public Capabilities hello() throws SmtpFailure {
        lock.lock();
        try {
            String name = options.ehloName().orElseGet(this::addressLiteral);
            Reply ehlo = command(Stage.HELLO, SmtpCommand.EHLO, "EHLO " + name, Timeouts.Stage.COMMAND);
            if (ehlo.code() == 250) {
                capabilities = Capabilities.parse(ehlo);
                return capabilities;
            }
            if (ehlo.kind() != Reply.Kind.PERMANENT_NEGATIVE) {
                throw fail(SmtpFailure.refused(Stage.HELLO, "EHLO refused", ehlo));
            }
            Reply helo = command(Stage.HELLO, SmtpCommand.HELO, "HELO " + name, Timeouts.Stage.COMMAND);
            if (helo.code() != 250) {
                throw fail(SmtpFailure.refused(Stage.HELLO, "EHLO and HELO refused", helo));
            }
            capabilities = Capabilities.none();
            return capabilities;
        } finally {
            lock.unlock();
        }
    }

    /**
     * STARTTLS (RFC 3207): the handshake, then the capabilities learned in the clear are forgotten and EHLO is sent
     * again. A server that does not offer STARTTLS gets QUIT: nothing more is sent in the clear.
     */
    public Capabilities startTls() throws SmtpFailure {
        lock.lock();
        try {
            if (tls) {
                return capabilities;
            }
            if (!capabilities.startTls()) {
                quitQuietly();
                throw new SmtpFailure(Stage.TLS, "the server does not offer STARTTLS", Optional.empty(), false, null);
            }
            Reply reply = command(Stage.TLS, SmtpCommand.STARTTLS, "STARTTLS", Timeouts.Stage.COMMAND);
            if (reply.code() != 220) {
                throw fail(SmtpFailure.refused(Stage.TLS, "STARTTLS refused", reply));
            }
            // Bytes after the 220 arrived in the clear and must not be read as if they came through TLS.
            if (reader.hasBufferedBytes()) {
                throw fail(new SmtpFailure(Stage.TLS, "the server sent data after its STARTTLS reply"
                        + " (a command injection attempt?)", Optional.empty(), false, null));
            }
            handshake();
            capabilities = Capabilities.none();
        } finally {
            lock.unlock();
        }
        return hello();
    }

    private void handshake() throws SmtpFailure {
        Duration timeout = options.timeouts().of(Timeouts.Stage.TLS);
        try {
            SSLSocket secured = tlsConnector.handshake(socket, options.host(), options.port(), millis(timeout));
            useSocket(secured);
            tls = true;
            TlsConnector.Established established = tlsConnector.describe(secured, options.host());
            observer.note("TLS started with cipher " + established.protocol() + ":" + established.cipherSuite());
            observer.note("TLS peer subject DN=\"" + established.peer() + "\"");
            observer.note("TLS peer certificate " + established.verification());
            PinnedCertificate.expiryWarning(secured, options.tls()).ifPresent(observer::warning);
        } catch (SocketTimeoutException e) {
            throw fail(new SmtpFailure(Stage.TLS, "TLS handshake timed out after " + HumanDuration.of(timeout),
                    Optional.empty(), true, e));
        } catch (SSLException e) {
            throw fail(new SmtpFailure(Stage.TLS, "TLS handshake failed: "
                    + TlsFailure.reason(e, options.host(), options.tls().mode()), Optional.empty(), false, e));
        } catch (IOException e) {
            throw fail(new SmtpFailure(Stage.TLS, "TLS handshake failed: " + e.getMessage(), Optional.empty(), true,
                    e));
        }
    }

    private static String describe(SSLException e) {
        // The root cause says what was wrong with the certificate ("No subject alternative names matching ...").
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    /**
     * AUTH with the configured credentials: the forced mechanism, else the strongest the server offers. Never without
     * TLS; a refusal (535) names the server's code and text, never the secret.
     */
    public void authenticate() throws SmtpFailure {
        lock.lock();
        try {
            Credentials credentials = options.credentials().orElseThrow(
                    () -> new IllegalStateException("no credentials configured"));
            if (!tls) {
                quitQuietly();
                throw new SmtpFailure(Stage.AUTH, "refusing to authenticate without TLS", Optional.empty(), false,
                        null);
            }
            if (capabilities.authMechanisms().isEmpty()) {
                quitQuietly();
                throw new SmtpFailure(Stage.AUTH, "the server offers no AUTH", Optional.empty(), false, null);
            }
            Optional<AuthMechanism> chosen = AuthMechanism.choose(options.auth(), capabilities.authMechanisms());
            if (chosen.isEmpty()) {
                quitQuietly();
                String wanted = options.auth().map(m -> "AUTH " + m).orElse("AUTH PLAIN or LOGIN");
                throw new SmtpFailure(Stage.AUTH, "the server does not offer " + wanted + " (it offers "
                        + String.join(" ", capabilities.authMechanisms()) + ")", Optional.empty(), false, null);
            }
            Reply reply = switch (chosen.get()) {
                case PLAIN -> authPlain(credentials);
                case LOGIN -> authLogin(credentials);
                case XOAUTH2 -> authXoauth2(credentials);
            };
            if (reply.code() != 235) {
                throw fail(SmtpFailure.refused(Stage.AUTH, "authentication failed", reply));
            }
        } finally {
            lock.unlock();
        }
    }

    private Reply authPlain(Credentials credentials) throws SmtpFailure {
        byte[] user = credentials.user().getBytes(StandardCharsets.UTF_8);
        byte[] secret = secretBytes(credentials);
        byte[] message = new byte[user.length + secret.length + 2];
        System.arraycopy(user, 0, message, 1, user.length);
        System.arraycopy(secret, 0, message, user.length + 2, secret.length);
        try {
            return secretCommand("AUTH PLAIN ", message, "AUTH PLAIN <redacted>");
        } finally {
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(message, (byte) 0);
        }
    }

    private Reply authLogin(Credentials credentials) throws SmtpFailure {
        Reply reply = command(Stage.AUTH, SmtpCommand.AUTH, "AUTH LOGIN", Timeouts.Stage.COMMAND);
        if (reply.code() != 334) {
            return reply;
        }
        reply = command(Stage.AUTH, SmtpCommand.AUTH,
                Base64.getEncoder().encodeToString(credentials.user().getBytes(StandardCharsets.UTF_8)),
                Timeouts.Stage.COMMAND);
        if (reply.code() != 334) {
            return reply;
        }
        byte[] secret = secretBytes(credentials);
        try {
            return secretCommand("", secret, "<redacted>");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private Reply authXoauth2(Credentials credentials) throws SmtpFailure {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(("user=" + credentials.user() + "\u0001auth=Bearer ").getBytes(StandardCharsets.UTF_8));
        byte[] token = secretBytes(credentials);
        message.writeBytes(token);
        message.writeBytes(new byte[] {1, 1});
        byte[] bytes = message.toByteArray();
        Reply reply;
        try {
            reply = secretCommand("AUTH XOAUTH2 ", bytes, "AUTH XOAUTH2 <redacted>");
        } finally {
            Arrays.fill(token, (byte) 0);
            Arrays.fill(bytes, (byte) 0);
        }
        if (reply.code() == 334) {
            // The server explains the failure in a base64 JSON challenge and waits for an empty line before 535.
            try {
                observer.note("XOAUTH2 error: " + new String(Base64.getDecoder().decode(reply.text().trim()),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                observer.note("XOAUTH2 challenge is not base64");
            }
            reply = command(Stage.AUTH, SmtpCommand.AUTH, "", Timeouts.Stage.COMMAND);
        }
        return reply;
    }

    private static byte[] secretBytes(Credentials credentials) {
        char[] secret = credentials.secret();
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(secret, '\0');
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    /** Sends {@code prefix + base64(secret)}, showing only {@code shown}. */
    private Reply secretCommand(String prefix, byte[] secret, String shown) throws SmtpFailure {
        byte[] encoded = Base64.getEncoder().encode(secret);
        byte[] line = new byte[prefix.length() + encoded.length + 2];
        System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, line, 0, prefix.length());
        System.arraycopy(encoded, 0, line, prefix.length(), encoded.length);
        line[line.length - 2] = '\r';
        line[line.length - 1] = '\n';
        try {
            observer.sent(shown, tls);
            writeOrFail(Stage.AUTH, line, Timeouts.Stage.COMMAND);
        } finally {
            Arrays.fill(encoded, (byte) 0);
            Arrays.fill(line, (byte) 0);
        }
        return readReply(Stage.AUTH, SmtpCommand.AUTH, Timeouts.Stage.COMMAND);
    }

    /** The capabilities the server advertised in its latest EHLO (none after HELO or right after STARTTLS). */
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Whether the connection is encrypted now. */
    public boolean isTls() {
        return tls;
    }

    /** Sends one message: the whole transaction. */
    public DeliveryOutcome send(OutgoingMessage message) {
        return send(message, Stage.DATA);
    }

    /**
     * Sends one message, or only its envelope: {@code stopAfter} is {@link Stage#MAIL}, {@link Stage#RCPT} or
     * {@link Stage#DATA} (the whole transaction). A second message on the session is preceded by RSET. With
     * PIPELINING, MAIL, every RCPT and DATA go out in one write (RFC 2920 section 3.1).
     */
    public DeliveryOutcome send(OutgoingMessage message, Stage stopAfter) {
        if (stopAfter != Stage.MAIL && stopAfter != Stage.RCPT && stopAfter != Stage.DATA) {
            throw new IllegalArgumentException("a transaction stops after MAIL, RCPT or DATA, not " + stopAfter);
        }
        lock.lock();
        try {
            List<RecipientResult> unasked = message.recipients().stream()
                    .map(r -> new RecipientResult(r, Optional.empty())).toList();
            if (broken || closed) {
                return new Failed(Stage.MAIL, "the session is no longer usable", true, unasked);
            }
            try {
                return transaction(message, stopAfter, unasked);
            } catch (SmtpFailure e) {
                return new Failed(e.stage(), e.getMessage(), e.isTransient(), unasked);
            }
        } finally {
            lock.unlock();
        }
    }

    private DeliveryOutcome transaction(OutgoingMessage message, Stage stopAfter, List<RecipientResult> unasked)
            throws SmtpFailure {
        if (transactions++ > 0) {
            Reply rset = command(Stage.MAIL, SmtpCommand.RSET, "RSET", Timeouts.Stage.COMMAND);
            if (rset.code() != 250) {
                return new Refused(Stage.MAIL, rset, unasked);
            }
        }
        DataEncoder.Encoded data;
        try {
            data = DataEncoder.encode(message.content());
        } catch (IllegalArgumentException e) {
            return new Failed(Stage.MESSAGE, "message not sent: " + e.getMessage(), false, unasked);
        }
        boolean utf8 = message.needsSmtpUtf8();
        boolean eightBit = message.needsEightBit();
        if (utf8 && !capabilities.smtpUtf8()) {
            return new Failed(Stage.MESSAGE, "message not sent: a non-ASCII address needs SMTPUTF8, which the server"
                    + " does not offer", false, unasked);
        }
        if (eightBit && !utf8 && !capabilities.eightBitMime()) {
            return new Failed(Stage.MESSAGE, "message not sent: 8-bit content needs 8BITMIME, which the server does"
                    + " not offer", false, unasked);
        }
        long size = data.bytes().length;
        if (capabilities.size().isPresent() && capabilities.size().getAsLong() > 0
                && size > capabilities.size().getAsLong()) {
            return new Failed(Stage.MESSAGE, "message not sent: " + size + " octets exceed the server's SIZE limit of "
                    + capabilities.size().getAsLong(), false, unasked);
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(message.sender()).append('>');
        if (capabilities.size().isPresent()) {
            mail.append(" SIZE=").append(size);
        }
        if (eightBit && capabilities.eightBitMime()) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8) {
            mail.append(" SMTPUTF8");
        }
        List<String> group = new ArrayList<>();
        group.add(mail.toString());
        if (stopAfter != Stage.MAIL) {
            message.recipients().forEach(r -> group.add("RCPT TO:<" + r + ">"));
            if (stopAfter == Stage.DATA) {
                group.add("DATA");
            }
        }
        return capabilities.pipelining()
                ? pipelined(message, group, stopAfter, data, unasked)
                : stepwise(message, group, stopAfter, data, unasked);
    }

    private DeliveryOutcome pipelined(OutgoingMessage message, List<String> group, Stage stopAfter,
                                      DataEncoder.Encoded data, List<RecipientResult> unasked) throws SmtpFailure {
        writeLines(Stage.MAIL, group, Timeouts.Stage.MAIL);
        Reply mail = readReply(Stage.MAIL, SmtpCommand.MAIL, Timeouts.Stage.MAIL);
        List<RecipientResult> recipients = new ArrayList<>();
        if (stopAfter != Stage.MAIL) {
            for (String recipient : message.recipients()) {
                Reply reply = readReply(Stage.RCPT, SmtpCommand.RCPT, Timeouts.Stage.RCPT);
                recipients.add(new RecipientResult(recipient, Optional.of(reply)));
            }
        }
        Reply dataReply = stopAfter == Stage.DATA
                ? readReply(Stage.DATA, SmtpCommand.DATA, Timeouts.Stage.DATA_INIT) : null;
        boolean anyAccepted = recipients.stream().anyMatch(RecipientResult::accepted);
        if (dataReply != null && dataReply.code() == 354 && (!mail.isPositive() || !anyAccepted)) {
            // RFC 2920 section 3.1: DATA was accepted though nothing can be delivered; end it with an empty message.
            writeLines(Stage.DATA, List.of("."), Timeouts.Stage.DATA_BLOCK);
            readReply(Stage.DATA, SmtpCommand.DATA_END, Timeouts.Stage.DATA_END);
        }
        if (!mail.isPositive()) {
            return new Refused(Stage.MAIL, mail, recipients.isEmpty() ? unasked : recipients);
        }
        if (stopAfter == Stage.MAIL) {
            return new Stopped(Stage.MAIL, unasked);
        }
        if (!anyAccepted) {
            return new Refused(Stage.RCPT, recipients.get(recipients.size() - 1).reply().orElseThrow(), recipients);
        }
        if (stopAfter == Stage.RCPT) {
            return new Stopped(Stage.RCPT, recipients);
        }
        return data(dataReply, data, recipients);
    }

    private DeliveryOutcome stepwise(OutgoingMessage message, List<String> group, Stage stopAfter,
                                     DataEncoder.Encoded data, List<RecipientResult> unasked) throws SmtpFailure {
        Reply mail = command(Stage.MAIL, SmtpCommand.MAIL, group.get(0), Timeouts.Stage.MAIL);
        if (!mail.isPositive()) {
            return new Refused(Stage.MAIL, mail, unasked);
        }
        if (stopAfter == Stage.MAIL) {
            return new Stopped(Stage.MAIL, unasked);
        }
        List<RecipientResult> recipients = new ArrayList<>();
        for (int i = 0; i < message.recipients().size(); i++) {
            Reply reply = command(Stage.RCPT, SmtpCommand.RCPT, group.get(i + 1), Timeouts.Stage.RCPT);
            recipients.add(new RecipientResult(message.recipients().get(i), Optional.of(reply)));
        }
        if (recipients.stream().noneMatch(RecipientResult::accepted)) {
            return new Refused(Stage.RCPT, recipients.get(recipients.size() - 1).reply().orElseThrow(), recipients);
        }
        if (stopAfter == Stage.RCPT) {
            return new Stopped(Stage.RCPT, recipients);
        }
        Reply dataReply = command(Stage.DATA, SmtpCommand.DATA, "DATA", Timeouts.Stage.DATA_INIT);
        return data(dataReply, data, recipients);
    }

    private DeliveryOutcome data(Reply dataReply, DataEncoder.Encoded data, List<RecipientResult> recipients)
            throws SmtpFailure {
        if (dataReply.code() != 354) {
            return new Refused(Stage.DATA, dataReply, recipients);
        }
        byte[] bytes = data.bytes();
        observer.messageData(bytes, data.lines(), tls);
        for (int offset = 0; offset < bytes.length; offset += DATA_CHUNK) {
            byte[] chunk = Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + DATA_CHUNK));
            writeOrFail(Stage.DATA, chunk, Timeouts.Stage.DATA_BLOCK);
        }
        Reply end = readReply(Stage.DATA, SmtpCommand.DATA_END, Timeouts.Stage.DATA_END);
        if (!end.isPositive()) {
            return new Refused(Stage.DATA, end, recipients);
        }
        boolean all = recipients.stream().allMatch(RecipientResult::accepted);
        return all ? new Delivered(end, recipients) : new PartiallyDelivered(end, recipients);
    }

    /** QUIT (unless the connection is broken) and close. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            quitQuietly();
        } finally {
            lock.unlock();
        }
    }

    private void quitQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!broken && socket != null) {
                try {
                    command(Stage.CONNECT, SmtpCommand.QUIT, "QUIT", Timeouts.Stage.COMMAND);
                } catch (SmtpFailure e) {
                    // The server hanging up on QUIT changes nothing.
                }
            }
        } finally {
            if (socket != null) {
                closeQuietly(socket);
            }
        }
    }

    /** Closes the connection without QUIT (after {@code --quit-after connect}). */
    public void abort() {
        lock.lock();
        try {
            closed = true;
            broken = true;
            if (socket != null) {
                closeQuietly(socket);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- the wire ----

    private Reply command(Stage stage, SmtpCommand command, String line, Timeouts.Stage timeout) throws SmtpFailure {
        writeLines(stage, List.of(line), timeout);
        return readReply(stage, command, timeout);
    }

    private void writeLines(Stage stage, List<String> lines, Timeouts.Stage timeout) throws SmtpFailure {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : lines) {
            observer.sent(line, tls);
            bytes.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            bytes.write('\r');
            bytes.write('\n');
        }
        writeOrFail(stage, bytes.toByteArray(), timeout);
    }

    private void writeOrFail(Stage stage, byte[] bytes, Timeouts.Stage timeoutStage) throws SmtpFailure {
        Duration timeout = options.timeouts().of(timeoutStage);
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

    private Reply readReply(Stage stage, SmtpCommand command, Timeouts.Stage timeoutStage) throws SmtpFailure {
        Reply reply;
        try {
            reply = reader.read(options.timeouts().of(timeoutStage), capabilities.enhancedStatusCodes());
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
    private SmtpFailure fail(SmtpFailure failure) {
        if (failure.reply().isEmpty()) {
            broken = true;
            closeQuietly(socket);
        }
        return failure;
    }

    private String addressLiteral() {
        java.net.InetAddress local = socket.getLocalAddress();
        return local instanceof java.net.Inet6Address
                ? "[IPv6:" + local.getHostAddress() + "]" : "[" + local.getHostAddress() + "]";
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static void closeQuietly(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException e) {
            // Closing is best effort.
        }
    }
}

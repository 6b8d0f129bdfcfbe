package dev.netlab.mailclient.smtp;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SMTP connection, client side (RFC 5321). Set it up step by step ({@link #connect}, {@link #greeting},
 * {@link #hello}, {@link #startTls}, {@link #authenticate}) or all at once ({@link #open}); then {@link #send} one or
 * more messages (RSET between them) and {@link #close} (QUIT). Every failure while setting up is an
 * {@link SmtpFailure} naming its {@link Stage}; a message's fate is a {@link DeliveryOutcome}. Each stage lives in
 * its own class: {@link Connector}, {@link Hello}, {@link StartTls}, {@link Authenticator}, {@link MailTransaction}.
 *
 * <p>A session serves one caller at a time: a {@link ReentrantLock} guards each exchange, never a monitor, so virtual
 * threads blocked in socket I/O do not pin their carrier.
 */
public final class SmtpSession implements AutoCloseable {

    private final SessionOptions options;
    private final TlsConnector tlsConnector;
    private final SmtpConnection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private int transactions;

    private SmtpSession(SessionOptions options, TlsConnector tlsConnector, SmtpConnection connection) {
        this.options = options;
        this.tlsConnector = tlsConnector;
        this.connection = connection;
    }

    /** {@link #connect(SessionOptions, SmtpObserver, Resolver)} with the system's resolver. */
    public static SmtpSession connect(SessionOptions options, SmtpObserver observer) throws SmtpFailure {
        return connect(options, observer, Resolver.system());
    }

    /**
     * Connects to the first address of the server's name that answers (and for implicit TLS, completes the
     * handshake); reads nothing yet.
     *
     * @throws SmtpFailure at {@link Stage#CONNECT} or {@link Stage#TLS}
     */
    public static SmtpSession connect(SessionOptions options, SmtpObserver observer, Resolver resolver)
            throws SmtpFailure {
        return start(options, observer, resolver, false);
    }

    /**
     * Connects to the first address of the server's name that answers and greets with 220 (for implicit TLS, after
     * the handshake): an address that greets with 421 or 5xx, or closes the connection before the greeting ends, is
     * skipped (after QUIT) and the next one tried, as postfix does ({@code smtp_skip_5xx_greeting}). Do not call
     * {@link #greeting()} on the session: the greeting has been read.
     *
     * @throws SmtpFailure at {@link Stage#CONNECT}, {@link Stage#TLS} or {@link Stage#GREETING}: the last address's
     *                     failure when none greeted
     */
    public static SmtpSession greeted(SessionOptions options, SmtpObserver observer, Resolver resolver)
            throws SmtpFailure {
        return start(options, observer, resolver, true);
    }

    private static SmtpSession start(SessionOptions options, SmtpObserver observer, Resolver resolver, boolean greet)
            throws SmtpFailure {
        TlsConnector connector;
        try {
            connector = options.tls().mode() == TlsMode.NONE ? null : TlsConnector.create(options.tls());
        } catch (IOException e) {
            throw new SmtpFailure(Stage.TLS, e.getMessage(), Optional.empty(), false, e);
        }
        if (options.tls().insecure() && options.tls().mode() != TlsMode.NONE) {
            observer.warning("--insecure: the server's certificate and host name are NOT verified");
        }
        return Connector.connect(options.host(), options.port(), options.timeouts().of(Timeouts.Stage.CONNECT),
                resolver, observer, socket -> {
                    SmtpConnection connection = new SmtpConnection(socket, options.timeouts(), observer);
                    try {
                        if (options.tls().mode() == TlsMode.IMPLICIT) {
                            StartTls.handshake(connection, connector, options);
                        }
                        if (greet) {
                            Hello.greeting(connection);
                        }
                    } catch (SmtpFailure e) {
                        // QUIT after a refusing greeting (RFC 5321 section 3.1); a broken connection is only closed.
                        connection.quitQuietly();
                        throw e;
                    }
                    return new SmtpSession(options, connector, connection);
                });
    }

    /** {@link #open(SessionOptions, SmtpObserver, Resolver)} with the system's resolver. */
    public static SmtpSession open(SessionOptions options, SmtpObserver observer) throws SmtpFailure {
        return open(options, observer, Resolver.system());
    }

    /**
     * Connects and sets the session up: greeting (skipping addresses that refuse it, see {@link #greeted}), EHLO (or
     * HELO), TLS as configured, AUTH when credentials are set.
     */
    public static SmtpSession open(SessionOptions options, SmtpObserver observer, Resolver resolver)
            throws SmtpFailure {
        SmtpSession session = greeted(options, observer, resolver);
        try {
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

    /** The socket the session speaks through now, TLS or plain (for tests). */
    Socket socket() {
        return connection.socket();
    }

    /** Reads the server's greeting, which must be 220 (a 554 refuses the session). */
    public Reply greeting() throws SmtpFailure {
        lock.lock();
        try {
            return Hello.greeting(connection);
        } finally {
            lock.unlock();
        }
    }

    /** EHLO, and HELO when the server refuses EHLO with a permanent error; learns the capabilities. */
    public Capabilities hello() throws SmtpFailure {
        lock.lock();
        try {
            return Hello.hello(connection, options.ehloName());
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
            if (connection.isTls()) {
                return connection.capabilities();
            }
            StartTls.startTls(connection, tlsConnector, options);
            return Hello.hello(connection, options.ehloName());
        } finally {
            lock.unlock();
        }
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
            Authenticator.authenticate(connection, credentials, options.auth());
        } finally {
            lock.unlock();
        }
    }

    /** The capabilities the server advertised in its latest EHLO (none after HELO or right after STARTTLS). */
    public Capabilities capabilities() {
        return connection.capabilities();
    }

    /** Whether the connection is encrypted now. */
    public boolean isTls() {
        return connection.isTls();
    }

    /** Whether another message may be sent on this session (not closed, no I/O failure). */
    public boolean isUsable() {
        lock.lock();
        try {
            return connection.isUsable();
        } finally {
            lock.unlock();
        }
    }

    /** How many transactions this session has started: more than zero means the next one begins with RSET. */
    public int transactions() {
        lock.lock();
        try {
            return transactions;
        } finally {
            lock.unlock();
        }
    }

    /** Sends one message: the whole transaction. */
    public DeliveryOutcome send(OutgoingMessage message) {
        return send(message, Stage.DATA);
    }

    /**
     * Sends one message, or only its envelope: {@code stopAfter} is {@link Stage#MAIL}, {@link Stage#RCPT} or
     * {@link Stage#DATA} (the whole transaction). A second message on the session is preceded by RSET. With
     * PIPELINING, RSET, MAIL, every RCPT and DATA go out in one write (RFC 2920 section 3.1).
     */
    public DeliveryOutcome send(OutgoingMessage message, Stage stopAfter) {
        return run(List.of(message), stopAfter).get(0);
    }

    /**
     * Sends several messages in order on this connection, one transaction each, and returns their outcomes in the
     * same order. With PIPELINING each message's commands (RSET included) go out in the same write as the previous
     * message's data, so a batch costs one round trip per message instead of two. After an I/O failure the rest fail
     * unsent.
     */
    public List<DeliveryOutcome> sendAll(List<OutgoingMessage> messages) {
        return run(List.copyOf(messages), Stage.DATA);
    }

    private List<DeliveryOutcome> run(List<OutgoingMessage> messages, Stage stopAfter) {
        if (stopAfter != Stage.MAIL && stopAfter != Stage.RCPT && stopAfter != Stage.DATA) {
            throw new IllegalArgumentException("a transaction stops after MAIL, RCPT or DATA, not " + stopAfter);
        }
        lock.lock();
        try {
            if (!connection.isUsable()) {
                return messages.stream().<DeliveryOutcome>map(MailTransaction::unusable).toList();
            }
            List<DeliveryOutcome> outcomes = MailTransaction.run(connection, messages, stopAfter, transactions > 0);
            transactions += messages.size();
            return outcomes;
        } finally {
            lock.unlock();
        }
    }

    /** QUIT (unless the connection is broken) and close. */
    @Override
    public void close() {
        lock.lock();
        try {
            connection.quitQuietly();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the connection without QUIT (after {@code --quit-after connect}). */
    public void abort() {
        lock.lock();
        try {
            connection.abort();
        } finally {
            lock.unlock();
        }
    }
}

package dev.netlab.mailclient.smtp;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/** TLS on a session: the STARTTLS command (RFC 3207) and the handshake it shares with implicit TLS (RFC 8314). */
final class StartTls {

    private StartTls() {
    }

    /**
     * STARTTLS, then the handshake; the capabilities learned in the clear are forgotten (the caller says EHLO again).
     * A server that does not offer STARTTLS gets QUIT: nothing more is sent in the clear.
     */
    static void startTls(SmtpConnection connection, TlsConnector connector, SessionOptions options)
            throws SmtpFailure {
        if (!connection.capabilities().startTls()) {
            connection.quitQuietly();
            throw new SmtpFailure(Stage.TLS, "the server does not offer STARTTLS", Optional.empty(), false, null);
        }
        Reply reply = connection.command(Stage.TLS, SmtpCommand.STARTTLS, "STARTTLS", Timeouts.Stage.COMMAND);
        if (reply.code() != 220) {
            throw connection.fail(SmtpFailure.refused(Stage.TLS, "STARTTLS refused", reply));
        }
        // Bytes after the 220 arrived in the clear and must not be read as if they came through TLS.
        if (connection.hasBufferedBytes()) {
            throw connection.fail(new SmtpFailure(Stage.TLS, "the server sent data after its STARTTLS reply"
                    + " (a command injection attempt?)", Optional.empty(), false, null));
        }
        handshake(connection, connector, options);
        connection.capabilities(Capabilities.none());
    }

    /** The TLS handshake over the connection's socket, verified as configured; the connection then speaks TLS. */
    static void handshake(SmtpConnection connection, TlsConnector connector, SessionOptions options)
            throws SmtpFailure {
        String host = options.host();
        Duration timeout = connection.timeouts().of(Timeouts.Stage.TLS);
        SmtpObserver observer = connection.observer();
        try {
            SSLSocket secured = connector.handshake(connection.socket(), host, options.port(),
                    SmtpConnection.millis(timeout));
            connection.use(secured, true);
            TlsConnector.Established established = connector.describe(secured, host);
            observer.note("TLS started with cipher " + established.protocol() + ":" + established.cipherSuite());
            observer.note("TLS peer subject DN=\"" + established.peer() + "\"");
            observer.note("TLS peer certificate " + established.verification());
            PinnedCertificate.expiryWarning(secured, options.tls()).ifPresent(observer::warning);
        } catch (SocketTimeoutException e) {
            throw connection.fail(new SmtpFailure(Stage.TLS, "TLS handshake timed out after "
                    + HumanDuration.of(timeout), Optional.empty(), true, e));
        } catch (SSLException e) {
            throw connection.fail(new SmtpFailure(Stage.TLS, "TLS handshake failed: "
                    + TlsFailure.reason(e, host, options.tls().mode()), Optional.empty(), false, e));
        } catch (IOException e) {
            throw connection.fail(new SmtpFailure(Stage.TLS, "TLS handshake failed: " + e.getMessage(),
                    Optional.empty(), true, e));
        }
    }
}

package dev.netlab.mailclient.smtp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Opens the TCP connection to a server: every address its name resolves to is tried in order until one answers
 * (RFC 5321 section 5.1), so only a failure of all of them is a connection error. With an {@link Opening} (the
 * greeting), an address that accepts the connection but then does not greet with 220 is skipped as well, as postfix
 * does with {@code smtp_skip_5xx_greeting}: a busy or refusing server is one host of several, not the relay.
 */
final class Connector {

    /**
     * What a connected socket must get through before the address counts as answering. It owns the socket: on a
     * failure it has closed it (QUIT first when the server is still listening).
     */
    @FunctionalInterface
    interface Opening<T> {
        T open(Socket socket) throws SmtpFailure;
    }

    private Connector() {
    }

    /**
     * A connected socket to {@code host:port}.
     *
     * @throws SmtpFailure at {@link Stage#CONNECT}: the name does not resolve or no address accepted
     */
    static Socket connect(String host, int port, Duration timeout, Resolver resolver, SmtpObserver observer)
            throws SmtpFailure {
        return connect(host, port, timeout, resolver, observer, socket -> socket);
    }

    /**
     * What {@code opening} made of the first address of {@code host} that accepted the connection and got through
     * it; an address whose opening failed at {@link Stage#GREETING} (a 421 or 5xx greeting, a connection closed or
     * timed out before the greeting ended) is skipped like one that refused the connection. Any other failure of
     * the opening (a TLS handshake) ends the attempt.
     *
     * @throws SmtpFailure the last address's failure: at {@link Stage#CONNECT} when it did not accept the connection
     *                     (or the name does not resolve), at {@link Stage#GREETING} when it did not greet
     */
    static <T> T connect(String host, int port, Duration timeout, Resolver resolver, SmtpObserver observer,
                         Opening<T> opening) throws SmtpFailure {
        String where = host + ":" + port;
        observer.note("Trying " + where + "...");
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
            if (addresses.isEmpty()) {
                throw new UnknownHostException(host);
            }
        } catch (UnknownHostException e) {
            throw new SmtpFailure(Stage.CONNECT, "cannot resolve " + host, Optional.empty(), true, e);
        }
        boolean several = addresses.size() > 1;
        String tried = several ? " (tried " + addresses.size() + " addresses)" : "";
        SmtpFailure last = null;
        for (int i = 0; i < addresses.size(); i++) {
            String at = literal(addresses.get(i)) + ":" + port;
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(addresses.get(i), port), SmtpConnection.millis(timeout));
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                SmtpConnection.closeQuietly(socket);
                last = new SmtpFailure(Stage.CONNECT, "cannot connect to " + where + tried + ": "
                        + reason(e, timeout), Optional.empty(), true, e);
                if (several) {
                    observer.note("cannot connect to " + at + ": " + reason(e, timeout));
                }
                continue;
            }
            observer.note("Connected to " + at + ".");
            try {
                return opening.open(socket);
            } catch (SmtpFailure e) {
                if (e.stage() != Stage.GREETING) {
                    throw e;
                }
                last = several ? new SmtpFailure(e.stage(), e.getMessage() + tried, e.reply(), e.isTransient(),
                        e.getCause()) : e;
                if (i + 1 < addresses.size()) {
                    observer.note("skipping " + at + " (" + e.getMessage() + "): trying the next address");
                }
            }
        }
        throw last;
    }

    private static String reason(IOException e, Duration timeout) {
        if (e instanceof SocketTimeoutException) {
            return "timed out after " + HumanDuration.of(timeout);
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String literal(InetAddress address) {
        String ip = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + ip + "]" : ip;
    }
}

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
 * (RFC 5321 section 5.1), so only a failure of all of them is a connection error.
 */
final class Connector {

    private Connector() {
    }

    /**
     * A connected socket to {@code host:port}.
     *
     * @throws SmtpFailure at {@link Stage#CONNECT}: the name does not resolve or no address accepted
     */
    static Socket connect(String host, int port, Duration timeout, Resolver resolver, SmtpObserver observer)
            throws SmtpFailure {
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
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), SmtpConnection.millis(timeout));
                socket.setTcpNoDelay(true);
                observer.note("Connected to " + literal(address) + ":" + port + ".");
                return socket;
            } catch (IOException e) {
                SmtpConnection.closeQuietly(socket);
                last = e;
                if (addresses.size() > 1) {
                    observer.note("cannot connect to " + literal(address) + ":" + port + ": " + reason(e, timeout));
                }
            }
        }
        String tried = addresses.size() > 1 ? " (tried " + addresses.size() + " addresses)" : "";
        throw new SmtpFailure(Stage.CONNECT, "cannot connect to " + where + tried + ": " + reason(last, timeout),
                Optional.empty(), true, last);
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

package dev.netlab.kit.lifecycle;

import java.net.InetAddress;

/**
 * The service cannot start for a reason outside its configuration (a port that cannot be bound): exit code 1 with
 * this exception's message as the one line on standard error.
 */
public final class StartupException extends RuntimeException {

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A listener whose address cannot be bound; the message names the listener and the port. */
    public static StartupException cannotBind(String name, String protocol, InetAddress address, int port,
                                              Throwable cause) {
        String reason = cause == null || cause.getMessage() == null ? "address in use or not available" : cause.getMessage();
        return new StartupException("cannot bind " + Endpoint.describe(name, protocol, address, port) + ": " + reason,
                cause);
    }
}

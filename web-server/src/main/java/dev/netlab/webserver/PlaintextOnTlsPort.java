package dev.netlab.webserver;

import java.io.IOException;
import java.net.Socket;

/**
 * A client spoke plain HTTP to the TLS listener: the connection carries on in plaintext over {@link #socket()} (its
 * first byte already read) so that it can be told so, as nginx does, and closed.
 */
final class PlaintextOnTlsPort extends IOException {

    private final transient Socket socket;

    PlaintextOnTlsPort(Socket socket) {
        super("plain HTTP on the TLS port");
        this.socket = socket;
    }

    /** The plain TCP socket, to answer on and to read (and drop) the rest of the request from. */
    Socket socket() {
        return socket;
    }
}

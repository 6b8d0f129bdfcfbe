package dev.netlab.watch;

import java.net.URI;

/** Where one service's admin socket listens: a host name or IP literal and a port. */
record AdminAddress(String host, int port) {

    AdminAddress {
        if (host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + host + ":" + port + "' is not HOST:PORT with a port 1-65535");
        }
    }

    /** Parses {@code HOST:PORT} or {@code [IPV6]:PORT}. */
    static AdminAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, [::1]:9082");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        return new AdminAddress(host, port);
    }

    URI uri(String path) {
        return URI.create("http://" + this + path);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

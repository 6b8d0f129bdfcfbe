package dev.netlab.mailclient.smtp;

/** How a session gets TLS. */
public enum TlsMode {
    /** Plain connection upgraded with STARTTLS (RFC 3207); the default, submission port 587. */
    STARTTLS(587),
    /** TLS from the first byte (RFC 8314), port 465. */
    IMPLICIT(465),
    /** No TLS at all, only when asked; port 25. Credentials are never sent in this mode. */
    NONE(25);

    private final int defaultPort;

    TlsMode(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }
}

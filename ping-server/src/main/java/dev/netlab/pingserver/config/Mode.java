package dev.netlab.pingserver.config;

import java.util.Locale;

/** The reflector's listeners, in start-line order. */
public enum Mode {
    /** The lab's text protocol: ASCII letters upper-cased, simulated loss. */
    LAB(12_000, 1024),
    /** RFC 862 echo: the datagram byte for byte. */
    ECHO(7007, 65_507),
    /** RFC 8762 STAMP session-reflector, unauthenticated mode. */
    STAMP(8620, 65_507);

    private final int defaultPort;
    private final int defaultMaxDatagram;

    Mode(int defaultPort, int defaultMaxDatagram) {
        this.defaultPort = defaultPort;
        this.defaultMaxDatagram = defaultMaxDatagram;
    }

    /** The name used in configuration keys, metric labels and the start line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int defaultPort() {
        return defaultPort;
    }

    public int defaultMaxDatagram() {
        return defaultMaxDatagram;
    }

    /** Whether the listener keeps a per-sender table (sequence numbers to follow). */
    public boolean tracksSenders() {
        return this != ECHO;
    }

    /** The configuration section of this listener. */
    public String configPrefix() {
        return "pingserver.listeners." + label();
    }
}

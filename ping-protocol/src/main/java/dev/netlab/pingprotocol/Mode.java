package dev.netlab.pingprotocol;

import java.util.Locale;

/** The reflector protocols of the ping pair, each with its well-known UDP port, in start-line order. */
public enum Mode {
    /** The lab's text protocol: {@code Ping: <seq> <time>}, answered upper-cased. */
    LAB(12_000),
    /** RFC 862 echo: the datagram comes back byte for byte. */
    ECHO(7007),
    /** RFC 8762 STAMP, unauthenticated mode. */
    STAMP(8620);

    private final int defaultPort;

    Mode(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /** The port a listener or target of this mode uses when none is configured. */
    public int defaultPort() {
        return defaultPort;
    }

    /** The name in options, configuration keys, metric labels, JSON and the start line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode spelled {@code text} (any case), or null. */
    public static Mode byLabel(String text) {
        for (Mode mode : values()) {
            if (mode.label().equalsIgnoreCase(text.strip())) {
                return mode;
            }
        }
        return null;
    }
}

package dev.netlab.pingclient.probe;

/** The {@code kind} label (docs/architecture.md) of {@code pingclient_errors_total}. */
public enum ErrorKind {
    /** The target's name did not resolve. */
    RESOLVE,
    /** ICMP port unreachable: nothing listens at the target. */
    UNREACHABLE,
    /** A datagram from the target that is no reply of this mode (garbage, truncated STAMP). */
    MALFORMED,
    /** A reply from another address, or of another session. */
    FOREIGN;

    /** Made once: a scrape writes it for every pair (5,000 pairs x 4 kinds a scrape at mesh scale). */
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    public String label() {
        return label;
    }
}

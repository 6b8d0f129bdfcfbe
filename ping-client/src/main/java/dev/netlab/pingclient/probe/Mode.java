package dev.netlab.pingclient.probe;

/** The reflector protocols the prober speaks, each with its well-known port. */
public enum Mode {
    /** The lab's text protocol: {@code Ping: <seq> <time>}, answered upper-cased. */
    LAB(12000),
    /** RFC 862 echo: the payload comes back unchanged. */
    ECHO(7007),
    /** RFC 8762 STAMP, unauthenticated mode. */
    STAMP(8620);

    private final int defaultPort;

    Mode(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /** The port a target of this mode uses when it names none. */
    public int defaultPort() {
        return defaultPort;
    }

    /** The mode's name as options and JSON spell it. */
    public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The codec for one run of this mode; {@code session} tells this run's replies from any other's. */
    public ProbeCodec codec(long session, int size) {
        return switch (this) {
            case LAB -> new LabCodec(size);
            case ECHO -> new EchoCodec(session, size);
            case STAMP -> new StampCodec((int) (session & 0xFFFF) == 0 ? 1 : (int) (session & 0xFFFF), size);
        };
    }
}

package dev.netlab.pingclient.probe;

/**
 * A target as written: {@code HOST}, {@code HOST:PORT}, {@code [IPV6]:PORT} or a bare IPv6 literal.
 *
 * @param host the name or literal, without brackets
 * @param port the port, or the mode's when none is written
 */
public record TargetAddress(String host, int port) {

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message fit for the user when it is not a target
     */
    public static TargetAddress parse(String text, int defaultPort) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty target");
        }
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 2) {
                throw new IllegalArgumentException("bad IPv6 target '" + value + "' (expected [ADDRESS]:PORT)");
            }
            String host = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (rest.isEmpty()) {
                return new TargetAddress(host, defaultPort);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("bad IPv6 target '" + value + "' (expected [ADDRESS]:PORT)");
            }
            return new TargetAddress(host, port(rest.substring(1), value));
        }
        int first = value.indexOf(':');
        if (first < 0) {
            return new TargetAddress(value, defaultPort);
        }
        if (value.indexOf(':', first + 1) >= 0) {
            // Several colons without brackets: an IPv6 literal with no port.
            return new TargetAddress(value, defaultPort);
        }
        String host = value.substring(0, first);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("bad target '" + value + "' (no host)");
        }
        return new TargetAddress(host, port(value.substring(first + 1), value));
    }

    private static int port(String text, String target) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad port '" + text + "' in target '" + target + "' (1 to 65535)");
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

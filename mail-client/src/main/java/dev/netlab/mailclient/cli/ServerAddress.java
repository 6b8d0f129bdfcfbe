package dev.netlab.mailclient.cli;

import dev.netlab.mailclient.smtp.TlsMode;

/** {@code --server HOST[:PORT]}: a name, an IPv4 address or a bracketed IPv6 address, the port by TLS mode. */
public record ServerAddress(String host, int port) {

    public static ServerAddress parse(String text, TlsMode mode) throws UsageException {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new UsageException("--server: missing ']' in " + text);
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new UsageException("--server: expected HOST[:PORT], got " + text);
                }
                port = rest.substring(1);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0 && text.indexOf(':') == colon) {
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            }
        }
        if (host.isEmpty()) {
            throw new UsageException("--server: no host in " + text);
        }
        if (port == null) {
            return new ServerAddress(host, mode.defaultPort());
        }
        try {
            int value = Integer.parseInt(port);
            if (value < 1 || value > 65535) {
                throw new NumberFormatException();
            }
            return new ServerAddress(host, value);
        } catch (NumberFormatException e) {
            throw new UsageException("--server: port must be 1 to 65535, got " + port);
        }
    }
}

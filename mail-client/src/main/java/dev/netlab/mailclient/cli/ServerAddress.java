package dev.netlab.mailclient.cli;

import dev.netlab.mailclient.smtp.TlsMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * {@code --server HOST[:PORT]}: a name, an IPv4 address or an IPv6 address, the port by TLS mode. An IPv6 address
 * with a port is bracketed ({@code [::1]:25}); an unbracketed one ({@code ::1}) takes the default port, and one whose
 * last group could be a port ({@code ::1:25}) is refused rather than guessed.
 */
public record ServerAddress(String host, int port) {

    // Only hex digits, colons and dots: InetAddress parses such text as a literal and never asks DNS.
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

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
            } else if (colon >= 0) {
                checkUnbracketedIpv6(text, colon);
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

    /** Several colons without brackets: an IPv6 address alone, never an address and a port. */
    private static void checkUnbracketedIpv6(String text, int lastColon) throws UsageException {
        if (!isIpv6(text)) {
            throw new UsageException("--server: " + text + " is neither a host name nor an IPv6 address (an IPv6"
                    + " address with a port is written [ADDRESS]:PORT)");
        }
        String last = text.substring(lastColon + 1);
        String before = text.substring(0, lastColon);
        if (!last.isEmpty() && last.chars().allMatch(Character::isDigit) && isIpv6(before)) {
            throw new UsageException("--server: an IPv6 address with a port must be bracketed: write [" + before
                    + "]:" + last + " (or [" + text + "] for the address alone)");
        }
    }

    private static boolean isIpv6(String text) {
        if (!IPV6_CHARACTERS.matcher(text).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

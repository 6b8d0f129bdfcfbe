package dev.netlab.mailclient.api;

import java.util.List;

/**
 * What the API accepts.
 *
 * @param maxMessageSize  the largest message, as built for SMTP, in bytes
 * @param maxRecipients   the most recipients (to, cc and bcc together) per message
 * @param allowedSenders  the only {@code from} addresses allowed, ASCII letters in lower case; empty allows any
 */
public record Limits(long maxMessageSize, int maxRecipients, List<String> allowedSenders) {

    public Limits {
        allowedSenders = allowedSenders.stream().map(Limits::foldAscii).toList();
    }

    /** Whether {@code address} may send. */
    public boolean allowsSender(String address) {
        return allowedSenders.isEmpty() || allowedSenders.contains(foldAscii(address));
    }

    /**
     * A-Z to a-z and nothing else. Unicode case mapping, even under {@code Locale.ROOT}, turns the Kelvin sign into
     * {@code k} and a dotted capital I into {@code i} plus a combining dot: another sender would pass for an allowed one.
     */
    static String foldAscii(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }
}

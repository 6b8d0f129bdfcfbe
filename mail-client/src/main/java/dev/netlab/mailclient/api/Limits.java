package dev.netlab.mailclient.api;

import java.util.List;
import java.util.Locale;

/**
 * What the API accepts.
 *
 * @param maxMessageSize  the largest message, as built for SMTP, in bytes
 * @param maxRecipients   the most recipients (to, cc and bcc together) per message
 * @param allowedSenders  the only {@code from} addresses allowed, lower case; empty allows any
 */
public record Limits(long maxMessageSize, int maxRecipients, List<String> allowedSenders) {

    public Limits {
        allowedSenders = List.copyOf(allowedSenders);
    }

    /** Whether {@code address} may send. */
    public boolean allowsSender(String address) {
        return allowedSenders.isEmpty() || allowedSenders.contains(address.toLowerCase(Locale.ROOT));
    }
}

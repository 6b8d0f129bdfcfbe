package dev.netlab.mailclient.smtp;

import java.util.Optional;

/**
 * What the server said to one RCPT TO.
 *
 * @param address the recipient
 * @param reply   the server's reply; empty when it was never asked (the transaction ended earlier)
 */
public record RecipientResult(String address, Optional<Reply> reply) {

    public boolean accepted() {
        return reply.map(Reply::isPositive).orElse(false);
    }
}

package dev.netlab.mailclient.outbox;

import dev.netlab.mailclient.smtp.OutgoingMessage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message the outbox holds: its id, when it was accepted, the client's idempotency key, and the message ready for
 * SMTP. The outbox stores messages, not routes: the relay is whichever is configured when it is delivered.
 *
 * @param id             the outbox's id, also the file name
 * @param acceptedAt     when the 202 was given
 * @param idempotencyKey the client's key, when it sent one
 * @param message        envelope and content
 */
public record QueuedMessage(String id, Instant acceptedAt, Optional<String> idempotencyKey, OutgoingMessage message) {

    public QueuedMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(acceptedAt, "acceptedAt");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(message, "message");
    }

    /** The same message for only {@code recipients} (those still to be tried after a partial delivery). */
    public QueuedMessage forRecipients(List<String> recipients) {
        return new QueuedMessage(id, acceptedAt, idempotencyKey,
                new OutgoingMessage(message.sender(), recipients, message.content()));
    }
}

package dev.netlab.mailclient.outbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the outbox knows about one message: its status record on disk and the API's answer alike. Times are
 * ISO-8601 instants; fields that do not apply are absent.
 *
 * @param id             the message id
 * @param status         {@link Status#label()}
 * @param attempts       delivery attempts made
 * @param acceptedAt     when the message was accepted
 * @param updatedAt      when this record was written
 * @param nextAttempt    when a deferred message is tried again
 * @param lastReply      the relay's last reply (or why there was none: a connection error)
 * @param queueId        the relay's final reply to a sent message, which names its queue id
 * @param rejected       recipients the relay refused for good, with its reply
 * @param recipientsLeft recipients still to be tried after a partial delivery (absent: all of them)
 * @param idempotencyKey the client's key
 * @param transcript     the last attempt's dialogue, secrets redacted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageState(@JsonProperty("id") String id,
                           @JsonProperty("status") String status,
                           @JsonProperty("attempts") int attempts,
                           @JsonProperty("accepted_at") String acceptedAt,
                           @JsonProperty("updated_at") String updatedAt,
                           @JsonProperty("next_attempt") String nextAttempt,
                           @JsonProperty("last_reply") String lastReply,
                           @JsonProperty("queue_id") String queueId,
                           @JsonProperty("rejected") List<String> rejected,
                           @JsonProperty("recipients_left") List<String> recipientsLeft,
                           @JsonProperty("idempotency_key") String idempotencyKey,
                           @JsonProperty("transcript") List<String> transcript) {

    /** The status as an enum ({@link Status#QUEUED} for a value this version does not know). */
    @JsonIgnore
    public Status statusValue() {
        return Status.parse(status).orElse(Status.QUEUED);
    }

    /** The same record with another status (the in-memory {@code sending}). */
    MessageState withStatus(Status newStatus) {
        return new MessageState(id, newStatus.label(), attempts, acceptedAt, updatedAt, nextAttempt, lastReply,
                queueId, rejected, recipientsLeft, idempotencyKey, transcript);
    }

    /** Without the transcript, for lists. */
    public MessageState summary() {
        return new MessageState(id, status, attempts, acceptedAt, updatedAt, nextAttempt, lastReply, queueId,
                rejected, recipientsLeft, idempotencyKey, null);
    }
}

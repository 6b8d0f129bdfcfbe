package dev.netlab.mailclient.outbox;

/** An outbox file that is not a whole message: truncated, altered, or not ours. */
final class CorruptMessageException extends Exception {

    CorruptMessageException(String reason) {
        super(reason, null, false, false);
    }
}

package dev.netlab.mailclient.outbox;

import java.util.Locale;
import java.util.Optional;

/** Where a message stands; the API shows it in lower case. */
public enum Status {
    /** Accepted, never tried yet. */
    QUEUED,
    /** A delivery attempt is under way (in memory only: after a crash the message is waiting again). */
    SENDING,
    /** The relay took it (its final reply carries the queue id). */
    SENT,
    /** Tried, not taken for a reason that may pass: waiting for the next attempt. */
    DEFERRED,
    /** Refused for good (5xx), or still not taken when it grew older than the retry policy's max-age. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the message is still in the outbox waiting to go. */
    public boolean isWaiting() {
        return this == QUEUED || this == SENDING || this == DEFERRED;
    }

    /** The status spelled {@code label}, if any. */
    public static Optional<Status> parse(String label) {
        for (Status status : values()) {
            if (status.label().equals(label)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}

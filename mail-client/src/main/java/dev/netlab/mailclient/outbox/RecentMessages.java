package dev.netlab.mailclient.outbox;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages this process accepted, held in memory up to a byte budget so that a worker claims them without reading
 * and decoding their segment again. The segment stays the truth: a message over the budget, one claimed again after
 * a deferral, and every message after a restart are read from their file.
 */
final class RecentMessages {

    // Per message beyond its content: the record, its id, envelope strings and the map's entry, roughly.
    private static final int OVERHEAD = 256;

    private final long budget;
    private final Map<String, QueuedMessage> held = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    RecentMessages(long budget) {
        this.budget = budget;
    }

    /** Holds {@code message} if the budget has room for it; otherwise it is only on disk. */
    void offer(QueuedMessage message) {
        if (budget <= 0) {
            return;
        }
        long size = sizeOf(message);
        if (bytes.addAndGet(size) > budget) {
            bytes.addAndGet(-size);
            return;
        }
        held.put(message.id(), message);
    }

    /** The held message with {@code id}, no longer held; null when it is not held. */
    QueuedMessage take(String id) {
        QueuedMessage message = held.remove(id);
        if (message != null) {
            bytes.addAndGet(-sizeOf(message));
        }
        return message;
    }

    /** The bytes held now, by this class's estimate. */
    long bytes() {
        return bytes.get();
    }

    private static long sizeOf(QueuedMessage message) {
        long size = OVERHEAD + message.message().contentLength() + message.id().length()
                + message.message().sender().length();
        for (String recipient : message.message().recipients()) {
            size += recipient.length() + 16;
        }
        return size;
    }
}

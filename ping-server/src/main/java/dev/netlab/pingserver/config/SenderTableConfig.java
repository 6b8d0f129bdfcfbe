package dev.netlab.pingserver.config;

import java.time.Duration;

/**
 * The sender table of the lab and STAMP listeners.
 *
 * @param maxEntries at most this many senders are tracked; the idlest is evicted for a new one
 * @param silence    a sender not heard from for this long is reported as stopped
 */
public record SenderTableConfig(int maxEntries, Duration silence) {
}

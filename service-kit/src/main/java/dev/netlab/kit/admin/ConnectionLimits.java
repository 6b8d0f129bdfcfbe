package dev.netlab.kit.admin;

import java.time.Duration;

/**
 * How many connections the admin socket serves at once, how long one may sit idle, and how long a request may take to
 * arrive.
 *
 * @param maxConnections connections served at once. At the cap Helidon 4.2's accept loop waits on a semaphore before
 *                       {@code accept()}, so further connections wait in the kernel's accept queue (backlog 1024),
 *                       holding none of the process's descriptors, and are served as slots free up.
 * @param idleTimeout    a connection waiting this long for its next request line (since its last request ended, or
 *                       since Helidon read its first line) is closed by Helidon
 * @param idleCheck      how often Helidon looks for such connections
 * @param headTimeout    a request head (request line and headers) must have arrived this long after its first byte,
 *                       or after the accept for a connection's first request; then it gets a 408 and is closed
 * @param bodyTimeout    a request body may spend this long in reads before its first byte, and keeps that margin ...
 * @param bodyMinRate    ... while it arrives at this many bytes per second or faster; a body that falls behind is
 *                       closed. Only time spent waiting in a read counts, not the handler's own work.
 */
record ConnectionLimits(int maxConnections, Duration idleTimeout, Duration idleCheck, Duration headTimeout,
                        Duration bodyTimeout, long bodyMinRate) {

    /**
     * 256: the admin socket's clients are few (a Prometheus or two, health probes, the mail API's callers), so this
     * leaves room for bursts and bounds the descriptors a flood can take. 45 s instead of Helidon's 5 min (checked
     * every 2 min): idle keep-alive connections give their slots back within 50 s, and a keep-alive connection
     * scraped every 15 s or 30 s is kept, one scraped every 60 s is closed well before the next scrape rather than
     * as it arrives. 10 s for a head of at most 18 KiB (Helidon's prologue and header limits) and a body at 1 KiB/s
     * after a 10 s start: a slowloris client holds a slot for seconds, not for ever, and any real client (a 16 MiB mail
     * API body at 1 KiB/s is 4.5 hours) is far faster.
     */
    static final ConnectionLimits ADMIN = new ConnectionLimits(256, Duration.ofSeconds(45), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(10), 1024);

    ConnectionLimits {
        if (headTimeout.isNegative() || headTimeout.isZero() || bodyTimeout.isNegative() || bodyTimeout.isZero()
                || bodyMinRate < 1) {
            throw new IllegalArgumentException("deadlines must be positive: " + headTimeout + ", " + bodyTimeout
                    + ", " + bodyMinRate + " B/s");
        }
    }

    /** These limits with another idle timeout and check (tests: a timeout they can wait for). */
    ConnectionLimits withIdle(Duration timeout, Duration check) {
        return new ConnectionLimits(maxConnections, timeout, check, headTimeout, bodyTimeout, bodyMinRate);
    }

    /** These limits with other read deadlines (tests: deadlines they can wait for). */
    ConnectionLimits withDeadlines(Duration head, Duration body, long minRate) {
        return new ConnectionLimits(maxConnections, idleTimeout, idleCheck, head, body, minRate);
    }

    /** How often the deadlines are checked: a tenth of the shorter one (1 s for the admin socket), at least 10 ms. */
    Duration deadlineCheck() {
        Duration shorter = headTimeout.compareTo(bodyTimeout) < 0 ? headTimeout : bodyTimeout;
        return shorter.dividedBy(10).compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10)
                : shorter.dividedBy(10);
    }
}

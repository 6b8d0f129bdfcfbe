package dev.netlab.kit.admin;

import java.time.Duration;

/**
 * How many connections the admin socket serves at once, and how long one may sit without finishing a request.
 *
 * @param maxConnections connections served at once. At the cap Helidon 4.2's accept loop waits on a semaphore before
 *                       {@code accept()}, so further connections wait in the kernel's accept queue (backlog 1024),
 *                       holding none of the process's descriptors, and are served as slots free up.
 * @param idleTimeout    a connection waiting this long for its next request line (since its last request ended, or
 *                       since Helidon read its first line) is closed; one stopped in the middle of a request head
 *                       is not (Helidon interrupts only the wait for a request line: see the service-kit README)
 * @param idleCheck      how often Helidon looks for such connections
 */
record ConnectionLimits(int maxConnections, Duration idleTimeout, Duration idleCheck) {

    /**
     * 256: the admin socket's clients are few (a Prometheus or two, health probes, the mail API's callers), so this
     * leaves room for bursts and bounds the descriptors a flood can take. 45 s instead of Helidon's 5 min (checked
     * every 2 min): idle keep-alive connections give their slots back within 50 s, and a keep-alive connection
     * scraped every 15 s or 30 s is kept, one scraped every 60 s is closed well before the next scrape rather than
     * as it arrives.
     */
    static final ConnectionLimits ADMIN = new ConnectionLimits(256, Duration.ofSeconds(45), Duration.ofSeconds(5));
}

package dev.netlab.pingserver.config;

/**
 * STAMP reflector behaviour.
 *
 * @param stateful          per-sender reflector sequence numbers (true) or a copy of the sender's (false)
 * @param clockSynchronized the S bit of the error estimate: the clock is synchronised to UTC by an external source
 */
public record StampConfig(boolean stateful, boolean clockSynchronized) {
}

package dev.netlab.pingserver.config;

/**
 * A token bucket per source IP address.
 *
 * @param perSecond tokens added per second; 0 turns the limit off
 * @param burst     the bucket's size
 */
public record RateLimit(long perSecond, long burst) {

    /** No limit. */
    public static final RateLimit OFF = new RateLimit(0, 0);

    public boolean enabled() {
        return perSecond > 0;
    }
}

package dev.netlab.pingprotocol;

import java.time.Duration;

/**
 * The error estimate of RFC 4656 section 4.1.2 as STAMP uses it: S (synchronised to UTC), Z (0: NTP format), a
 * 6-bit scale and an 8-bit multiplier, worth {@code multiplier * 2^(scale - 32)} seconds.
 *
 * @param synced       whether the clock is synchronised to UTC by an external source
 * @param scale        6 bits
 * @param multiplier   8 bits, never 0
 */
public record ErrorEstimate(boolean synced, int scale, int multiplier) {

    /** The smallest estimate that is at least {@code error}. */
    public static ErrorEstimate atLeast(Duration error, boolean synced) {
        double units = error.toNanos() / 1e9 * 4_294_967_296.0; // in 2^-32 s
        for (int scale = 0; scale < 64; scale++) {
            double multiplier = Math.ceil(units / Math.pow(2, scale));
            if (multiplier <= 255) {
                return new ErrorEstimate(synced, scale, (int) Math.max(1, multiplier));
            }
        }
        return new ErrorEstimate(synced, 63, 255);
    }

    /** The 16-bit field. */
    public short bits() {
        return (short) ((synced ? 0x8000 : 0) | (scale & 0x3F) << 8 | (multiplier & 0xFF));
    }

    /** What it declares. */
    public Duration value() {
        return Duration.ofNanos((long) (multiplier * Math.pow(2, scale - 32) * 1e9));
    }
}

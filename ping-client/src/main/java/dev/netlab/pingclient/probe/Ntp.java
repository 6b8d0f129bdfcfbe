package dev.netlab.pingclient.probe;

import java.time.Instant;

/** NTP 64-bit timestamps (RFC 5905: seconds since 1900 and a 32-bit binary fraction). */
public final class Ntp {

    /** Seconds from 1900-01-01 to 1970-01-01. */
    private static final long EPOCH_OFFSET = 2_208_988_800L;

    private Ntp() {
    }

    /** {@code instant} as an NTP timestamp. */
    public static long fromInstant(Instant instant) {
        long seconds = instant.getEpochSecond() + EPOCH_OFFSET;
        long fraction = ((long) instant.getNano() << 32) / 1_000_000_000L;
        return (seconds << 32) | (fraction & 0xFFFF_FFFFL);
    }

    /** An NTP timestamp as nanoseconds since the Unix epoch. */
    public static long toEpochNanos(long ntp) {
        long seconds = (ntp >>> 32) - EPOCH_OFFSET;
        long fraction = ntp & 0xFFFF_FFFFL;
        return seconds * 1_000_000_000L + ((fraction * 1_000_000_000L) >>> 32);
    }

    /** {@code instant} as nanoseconds since the Unix epoch. */
    public static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}

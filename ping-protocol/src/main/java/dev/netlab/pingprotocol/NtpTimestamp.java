package dev.netlab.pingprotocol;

import java.time.Instant;

/**
 * The 64-bit NTP timestamp (RFC 5905 section 6): 32 bits of seconds since 1900-01-01 00:00 UTC modulo 2^32, then a
 * 32-bit binary fraction of a second. The seconds wrap on 2036-02-07T06:28:16Z (era 1); like SNTP (RFC 4330
 * section 3) we read a value whose top bit is clear as era 1, so timestamps cover 1968-01-20 to 2104-02-26.
 */
public final class NtpTimestamp {

    /** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
    public static final long UNIX_EPOCH_SECONDS = 2_208_988_800L;

    private static final long ERA = 1L << 32;

    private NtpTimestamp() {
    }

    /** {@code instant} as a timestamp; outside 1968-2104 the seconds wrap as NTP's do. */
    public static long of(Instant instant) {
        long seconds = (instant.getEpochSecond() + UNIX_EPOCH_SECONDS) & 0xFFFF_FFFFL;
        long fraction = ((long) instant.getNano() << 32) / 1_000_000_000L;
        return seconds << 32 | fraction;
    }

    /** The instant of {@code timestamp}, to the nanosecond below. */
    public static Instant toInstant(long timestamp) {
        return Instant.ofEpochSecond(unixSeconds(timestamp), nanos(timestamp));
    }

    /** {@code timestamp} as nanoseconds since the Unix epoch (fits a long for the whole 1968-2104 range). */
    public static long toEpochNanos(long timestamp) {
        return unixSeconds(timestamp) * 1_000_000_000L + nanos(timestamp);
    }

    /** {@code instant} as nanoseconds since the Unix epoch, saturated at the ends of a long. */
    public static long epochNanos(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds > Long.MAX_VALUE / 1_000_000_000L - 1) {
            return Long.MAX_VALUE;
        }
        if (seconds < Long.MIN_VALUE / 1_000_000_000L + 1) {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000_000L + instant.getNano();
    }

    private static long unixSeconds(long timestamp) {
        long seconds = timestamp >>> 32;
        if (seconds < ERA / 2) {
            seconds += ERA; // top bit clear: era 1, after 2036-02-07
        }
        return seconds - UNIX_EPOCH_SECONDS;
    }

    private static long nanos(long timestamp) {
        return ((timestamp & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
    }
}

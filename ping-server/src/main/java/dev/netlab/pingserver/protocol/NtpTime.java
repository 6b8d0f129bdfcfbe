package dev.netlab.pingserver.protocol;

import java.time.Instant;

/** The 64-bit NTP timestamp format (RFC 5905): 32 bits of seconds since 1900, 32 bits of fraction. */
public final class NtpTime {

    /** Seconds from 1900-01-01 to 1970-01-01. */
    static final long EPOCH_OFFSET = 2_208_988_800L;

    private NtpTime() {
    }

    /** {@code instant} as an NTP timestamp (era 0, good until 2036). */
    public static long of(Instant instant) {
        long seconds = instant.getEpochSecond() + EPOCH_OFFSET;
        long fraction = ((long) instant.getNano() << 32) / 1_000_000_000L;
        return (seconds << 32) | fraction;
    }

    /** The instant of an NTP timestamp, or null for zero (a sender that did not set it). */
    public static Instant toInstant(long ntp) {
        if (ntp == 0) {
            return null;
        }
        long seconds = (ntp >>> 32) - EPOCH_OFFSET;
        long nanos = ((ntp & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
        return Instant.ofEpochSecond(seconds, nanos);
    }
}

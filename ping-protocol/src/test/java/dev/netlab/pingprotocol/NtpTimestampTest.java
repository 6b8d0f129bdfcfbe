package dev.netlab.pingprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The NTP conversion pinned to values known from outside the code: RFC 5905's epochs, not a round trip. */
class NtpTimestampTest {

    @Test
    void theUnixEpochIs2208988800SecondsIntoEraZero() {
        assertThat(NtpTimestamp.of(Instant.EPOCH)).isEqualTo(0x83AA_7E80_0000_0000L);
        assertThat(NtpTimestamp.toInstant(0x83AA_7E80_0000_0000L)).isEqualTo(Instant.EPOCH);
        assertThat(NtpTimestamp.toEpochNanos(0x83AA_7E80_0000_0000L)).isZero();
    }

    @Test
    void eraOneStartsOn2036February7AndItsTimestampsReadAfterIt() {
        // RFC 5905 figure 4: 2036-02-07 06:28:16 UTC is era 1, timestamp 0.
        assertThat(NtpTimestamp.of(Instant.parse("2036-02-07T06:28:16Z"))).isZero();
        assertThat(NtpTimestamp.of(Instant.parse("2036-02-07T06:28:15Z"))).isEqualTo(0xFFFF_FFFF_0000_0000L);
        // 2040-01-01 is 4,417,977,600 s after 1900: 123,010,304 s into era 1.
        assertThat(NtpTimestamp.of(Instant.parse("2040-01-01T00:00:00Z"))).isEqualTo(123_010_304L << 32);
        assertThat(NtpTimestamp.toInstant(123_010_304L << 32)).isEqualTo(Instant.parse("2040-01-01T00:00:00Z"));
        assertThat(NtpTimestamp.toInstant(0x0000_0001_8000_0000L)).isEqualTo(Instant.parse("2036-02-07T06:28:17.5Z"));
    }

    @Test
    void theFractionCountsUnitsOfTwoToTheMinus32Seconds() {
        assertThat(NtpTimestamp.of(Instant.ofEpochSecond(0, 500_000_000)) & 0xFFFF_FFFFL).isEqualTo(0x8000_0000L);
        assertThat(NtpTimestamp.of(Instant.ofEpochSecond(0, 250_000_000)) & 0xFFFF_FFFFL).isEqualTo(0x4000_0000L);
        // 1 ns is 4.29 units, rounded down; and back, one unit is 0.23 ns, read as 0.
        assertThat(NtpTimestamp.of(Instant.ofEpochSecond(0, 1)) & 0xFFFF_FFFFL).isEqualTo(4);
        assertThat(NtpTimestamp.toInstant(0x83AA_7E80_0000_0001L)).isEqualTo(Instant.EPOCH);
    }

    @Test
    void aTimestampOfTodayReadsBackWithinOneNanosecond() {
        Instant t = Instant.parse("2026-11-24T13:00:00.123456789Z");
        Instant back = NtpTimestamp.toInstant(NtpTimestamp.of(t));
        assertThat(back.getEpochSecond()).isEqualTo(t.getEpochSecond());
        assertThat(t.getNano() - back.getNano()).isBetween(0, 1);
        assertThat(NtpTimestamp.toEpochNanos(NtpTimestamp.of(t))).isBetween(NtpTimestamp.epochNanos(t) - 1,
                NtpTimestamp.epochNanos(t));
    }

    @Test
    void epochNanosSaturatesInsteadOfOverflowing() {
        assertThat(NtpTimestamp.epochNanos(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
        assertThat(NtpTimestamp.epochNanos(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
        assertThat(NtpTimestamp.epochNanos(Instant.ofEpochSecond(1, 5))).isEqualTo(1_000_000_005L);
    }
}

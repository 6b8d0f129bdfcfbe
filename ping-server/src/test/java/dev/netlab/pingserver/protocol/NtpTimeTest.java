package dev.netlab.pingserver.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class NtpTimeTest {

    @Test
    void theUnixEpochIsSeventyYearsAfterTheNtpEpoch() {
        assertThat(NtpTime.of(Instant.EPOCH)).isEqualTo(2_208_988_800L << 32);
    }

    @Test
    void halfASecondIsHalfTheFraction() {
        assertThat(NtpTime.of(Instant.ofEpochSecond(0, 500_000_000)) & 0xFFFF_FFFFL).isEqualTo(0x8000_0000L);
    }

    @Test
    void aTimestampRoundTripsWithinOneNanosecond() {
        Instant t = Instant.parse("2026-11-24T13:00:00.123456789Z");
        Instant back = NtpTime.toInstant(NtpTime.of(t));
        assertThat(Math.abs(back.getNano() - t.getNano())).isLessThanOrEqualTo(1);
        assertThat(back.getEpochSecond()).isEqualTo(t.getEpochSecond());
    }

    @Test
    void zeroMeansNoTimestamp() {
        assertThat(NtpTime.toInstant(0)).isNull();
    }
}

package dev.netlab.pingprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LabPingTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static LabPing parse(String text) {
        return LabPing.parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), PARIS);
    }

    @Test
    void ourLineIsPythonsDatetimeInUtcToTheMicrosecond() {
        assertThat(LabPing.format(1, Instant.parse("2021-01-03T16:29:48.196123456Z")))
                .isEqualTo("Ping: 1 2021-01-03 16:29:48.196123");
    }

    @Test
    void theLabsTimeIsReadInTheGivenZoneAndEpochSecondsAsSuch() {
        assertThat(parse("Ping: 7 2026-01-01 01:00:00.5")).isEqualTo(
                new LabPing(7, Instant.parse("2026-01-01T00:00:00.5Z")));
        assertThat(parse("Ping 8 1700000000.25")).isEqualTo(new LabPing(8, Instant.parse("2023-11-14T22:13:20.25Z")));
        assertThat(parse("Ping: 9")).isEqualTo(new LabPing(9, null));
    }

    @Test
    void timesNoClockGivesLeaveTheTimeUnknownAndNeverThrow() {
        for (String time : new String[] {"0000-01-01 00:00:00.0", "9999-12-31 23:59:59.9", "99999999999", "-1", "0",
                "+999999999-12-31 23:59:59.999999999", "-999999999-01-01 00:00:00", "NaN", "Infinity", "1e400",
                "2026-13-45 99:99:99", "x"}) {
            LabPing ping = parse("Ping: 1 " + time);
            assertThat(ping).as(time).isNotNull();
            assertThat(ping.seq()).isEqualTo(1);
            if (ping.sentAt() != null) {
                assertThat(ping.sentAt()).as(time).isBetween(Instant.MIN, Instant.MAX);
            }
        }
        assertThat(parse("Ping: 1 0000-01-01 00:00:00.0").sentAt()).isNotNull();
        assertThat(parse("Ping: 1 99999999999").sentAt()).isEqualTo(Instant.ofEpochSecond(99_999_999_999L));
    }

    @Test
    void whatIsNoPingIsNull() {
        assertThat(parse("Pong: 1 x")).isNull();
        assertThat(parse("Ping: -5 2026-01-01 00:00:00")).isNull();
        assertThat(parse("Ping: 1234567890123456789 0")).as("19 digits").isNull();
        assertThat(parse("Ping:")).isNull();
        assertThat(parse("")).isNull();
    }

    @Test
    void aPongOfOurLineNamesItsSequenceNumberAndTime() {
        assertThat(LabPing.parsePong("PING: 12 2021-01-03 16:29:48.196123"))
                .isEqualTo(new LabPing(12, Instant.parse("2021-01-03T16:29:48.196123Z")));
        assertThat(LabPing.parsePong("PING: 12 2021-13-03 16:29:48.196123")).isEqualTo(new LabPing(12, null));
        assertThat(LabPing.parsePong("PING: 12 1700000000")).isNull();
        assertThat(LabPing.format(3, Instant.EPOCH.atZone(ZoneOffset.UTC).toInstant())).startsWith("Ping: 3 1970");
    }

    @Test
    void theLabClientsPingWithPythonsDatetimeAndTheHeartbeatsWithEpochSeconds() {
        ByteBuffer lab = ByteBuffer.wrap("Ping: 3 2021-01-03 16:29:48.196000".getBytes(StandardCharsets.US_ASCII));
        assertThat(LabPing.parse(lab, ZoneOffset.UTC))
                .isEqualTo(new LabPing(3, Instant.parse("2021-01-03T16:29:48.196Z")));
        assertThat(parse("Ping 42 1700000000.25"))
                .isEqualTo(new LabPing(42, Instant.ofEpochSecond(1_700_000_000L, 250_000_000)));
    }

    @Test
    void aPingWithoutATimeStillHasItsNumber() {
        assertThat(parse("Ping: 12")).isEqualTo(new LabPing(12, null));
        assertThat(parse("Ping: 12 soon")).isEqualTo(new LabPing(12, null));
    }

    @Test
    void otherTextIsNoPing() {
        assertThat(parse("hello world")).isNull();
        assertThat(parse("Ping: x 1")).isNull();
        assertThat(parse("Pingx 1 2")).isNull();
        assertThat(parse("Ping: 12x")).isNull();
        assertThat(parse("Ping")).isNull();
    }

    @Test
    void parsingDoesNotConsumeTheDatagramAndReadsFromItsPosition() {
        ByteBuffer buffer = ByteBuffer.wrap("xxPing: 1 2".getBytes(StandardCharsets.US_ASCII)).position(2);
        assertThat(LabPing.parse(buffer, ZoneOffset.UTC)).isEqualTo(new LabPing(1, Instant.ofEpochSecond(2)));
        assertThat(buffer.position()).isEqualTo(2);
    }
}

package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpDateTest {

    @Test
    void formatsImfFixdateWithATwoDigitDay() {
        assertThat(HttpDate.format(Instant.parse("2024-03-05T06:07:08.999Z"))).isEqualTo("Tue, 05 Mar 2024 06:07:08 GMT");
        assertThat(HttpDate.format(Instant.parse("1994-11-06T08:49:37Z"))).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDate.format(Instant.parse("2026-12-24T23:59:59Z"))).isEqualTo("Thu, 24 Dec 2026 23:59:59 GMT");
    }

    @Test
    void theRememberedValueNeverAnswersForAnotherSecond() {
        assertThat(HttpDate.format(Instant.ofEpochSecond(1))).isEqualTo("Thu, 01 Jan 1970 00:00:01 GMT");
        assertThat(HttpDate.format(Instant.ofEpochSecond(2))).isEqualTo("Thu, 01 Jan 1970 00:00:02 GMT");
        assertThat(HttpDate.format(Instant.ofEpochSecond(2))).isEqualTo("Thu, 01 Jan 1970 00:00:02 GMT");
    }

    @Test
    void theDateHeaderFollowsTheClock() {
        HttpDate date = new HttpDate(Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC));
        assertThat(date.now()).isEqualTo("Tue, 24 Nov 2026 12:00:00 GMT");
        HttpDate later = new HttpDate(Clock.fixed(Instant.parse("2026-11-24T12:00:01Z"), ZoneOffset.UTC));
        assertThat(later.now()).isEqualTo("Tue, 24 Nov 2026 12:00:01 GMT");
    }

    @Test
    void theDateFieldBytesChangeWithEachSecondOfTheClock() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-24T12:00:00.100Z"));
        HttpDate date = new HttpDate(new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        });
        assertThat(new String(date.nowField(), StandardCharsets.US_ASCII))
                .isEqualTo("Date: Tue, 24 Nov 2026 12:00:00 GMT\r\n");
        now.set(Instant.parse("2026-11-24T12:00:00.999Z"));
        assertThat(new String(date.nowField(), StandardCharsets.US_ASCII))
                .isEqualTo("Date: Tue, 24 Nov 2026 12:00:00 GMT\r\n");
        now.set(Instant.parse("2026-11-24T12:00:01Z"));
        assertThat(new String(date.nowField(), StandardCharsets.US_ASCII))
                .isEqualTo("Date: Tue, 24 Nov 2026 12:00:01 GMT\r\n");
        assertThat(date.now()).isEqualTo("Tue, 24 Nov 2026 12:00:01 GMT");
        // A clock set back is followed too.
        now.set(Instant.parse("2026-11-24T11:59:59Z"));
        assertThat(date.now()).isEqualTo("Tue, 24 Nov 2026 11:59:59 GMT");
    }

    @Test
    void parsesTheThreeHttpDateFormsAndRejectsTheRest() {
        Instant expected = Instant.parse("1994-11-06T08:49:37Z");
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(expected);
        assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(expected);
        assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(expected);
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 +0100")).isNull();
        assertThat(HttpDate.parse("yesterday")).isNull();
        assertThat(HttpDate.parse("")).isNull();
    }
}

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

    /** The server's present for the dates read below. */
    private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

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
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).isEqualTo(expected);
        assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).isEqualTo(expected);
        assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994", NOW)).isEqualTo(expected);
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 +0100", NOW)).isNull();
        assertThat(HttpDate.parse("yesterday", NOW)).isNull();
        assertThat(HttpDate.parse("", NOW)).isNull();
    }

    @Test
    void anRfc850YearAtMost50YearsAheadIsInTheFutureAndOneSecondMoreIsACenturyBack() {
        // RFC 9110 section 5.6.7: only a timestamp MORE than 50 years in the future goes back to the past century.
        assertThat(HttpDate.parse("Monday, 15-Jun-76 12:00:00 GMT", NOW))
                .isEqualTo(Instant.parse("2076-06-15T12:00:00Z"));
        assertThat(HttpDate.parse("Tuesday, 15-Jun-76 12:00:01 GMT", NOW))
                .isEqualTo(Instant.parse("1976-06-15T12:00:01Z"));
        // The weekday is checked in the century chosen: 15 June 2076 is a Monday, 1976's a Tuesday.
        assertThat(HttpDate.parse("Monday, 15-Jun-76 12:00:01 GMT", NOW)).isNull();
        assertThat(HttpDate.parse("Tuesday, 15-Jun-76 12:00:00 GMT", NOW)).isNull();
    }

    @Test
    void anRfc850Year49YearsAheadStaysAnd51YearsAheadGoesBack() {
        assertThat(HttpDate.parse("Saturday, 15-Jun-75 12:00:00 GMT", NOW))
                .isEqualTo(Instant.parse("2075-06-15T12:00:00Z"));
        assertThat(HttpDate.parse("Wednesday, 15-Jun-77 12:00:00 GMT", NOW))
                .isEqualTo(Instant.parse("1977-06-15T12:00:00Z"));
    }

    @Test
    void anRfc850DateInTheCurrentYearIsThisYearBeforeAndAfterNow() {
        assertThat(HttpDate.parse("Thursday, 01-Jan-26 00:00:00 GMT", NOW))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(HttpDate.parse("Thursday, 31-Dec-26 23:59:59 GMT", NOW))
                .isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
    }

    @Test
    void theCenturyOfAnRfc850YearFollowsTheServersClock() {
        Instant later = Instant.parse("2060-01-01T00:00:00Z");
        assertThat(HttpDate.parse("Friday, 01-Jan-10 00:00:00 GMT", NOW)).isEqualTo(Instant.parse("2010-01-01T00:00:00Z"));
        // Exactly 50 years after 2060's first second: still ahead, no fixed window 1970-2069.
        assertThat(HttpDate.parse("Wednesday, 01-Jan-10 00:00:00 GMT", later))
                .isEqualTo(Instant.parse("2110-01-01T00:00:00Z"));
        // 29 February 2000 exists; read in 2060 the same text is 2100's, which has none.
        assertThat(HttpDate.parse("Tuesday, 29-Feb-00 00:00:00 GMT", NOW)).isEqualTo(Instant.parse("2000-02-29T00:00:00Z"));
        assertThat(HttpDate.parse("Tuesday, 29-Feb-00 00:00:00 GMT", later)).isNull();
    }
}

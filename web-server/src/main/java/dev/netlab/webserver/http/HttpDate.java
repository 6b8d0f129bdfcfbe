package dev.netlab.webserver.http;

import java.nio.charset.StandardCharsets;
import java.text.ParsePosition;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/** IMF-fixdate (RFC 9110 section 5.6.7) for Date and Last-Modified; the current second's text is cached. */
public final class HttpDate {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter[] PARSERS = {
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC),
        DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC)};

    /**
     * RFC 850, its two-digit year kept as the two digits: the century depends on the present ({@link #rfc850}), so
     * the fields are read unresolved and the weekday checked once the year is known.
     */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
            .appendValue(ChronoField.YEAR, 2).appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.US);

    private record Cached(long second, String text) {
    }

    /** The Date field of one second: its value and its wire bytes ("Date: " value CRLF). */
    private record CachedField(long second, String text, byte[] field) {
    }

    // Last-Modified of the most recent file: a site's files share few modification times.
    private static volatile Cached lastFormatted = new Cached(Long.MIN_VALUE, "");

    private final Clock clock;
    private volatile CachedField cached = new CachedField(Long.MIN_VALUE, "", new byte[0]);

    public HttpDate(Clock clock) {
        this.clock = clock;
    }

    /** The Date header value for now. */
    public String now() {
        return current().text();
    }

    /**
     * The whole Date field for now as the wire carries it, {@code Date: <IMF-fixdate>} and CRLF: built once a
     * second and shared, so the caller must not modify it.
     */
    byte[] nowField() {
        return current().field();
    }

    private CachedField current() {
        long second = Math.floorDiv(clock.millis(), 1000);
        CachedField current = cached;
        if (current.second() != second) {
            String text = formatUncached(Instant.ofEpochSecond(second));
            current = new CachedField(second, text,
                    ("Date: " + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            cached = current;
        }
        return current;
    }

    /** {@code instant} in IMF-fixdate, to the second; the last value is remembered (formatting is not cheap). */
    public static String format(Instant instant) {
        long second = instant.getEpochSecond();
        Cached last = lastFormatted;
        if (last.second() == second) {
            return last.text();
        }
        String text = formatUncached(instant);
        lastFormatted = new Cached(second, text);
        return text;
    }

    /**
     * An HTTP-date (RFC 9110 section 5.6.7): IMF-fixdate, or the obsolete RFC 850 and asctime forms; null when
     * {@code text} is none of them. An RFC 850 date's two-digit year is read against {@code now}, the server's
     * present ({@link #rfc850}).
     */
    public static Instant parse(String text, Instant now) {
        String value = text.strip();
        for (DateTimeFormatter format : PARSERS) {
            try {
                return ZonedDateTime.parse(value, format).toInstant();
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        return rfc850(value, now);
    }

    /**
     * An RFC 850 date, or null. Its two-digit year is the latest year with those digits whose timestamp is at most 50
     * years after {@code now}: RFC 9110 section 5.6.7 reads a timestamp that appears to be more than 50 years in the
     * future as the most recent year in the past with the same last two digits.
     */
    private static Instant rfc850(String value, Instant now) {
        ParsePosition position = new ParsePosition(0);
        TemporalAccessor fields = RFC_850.parseUnresolved(value, position);
        if (fields == null || position.getErrorIndex() >= 0 || position.getIndex() != value.length()) {
            return null;
        }
        try {
            LocalDateTime limit = LocalDateTime.ofInstant(now, ZoneOffset.UTC).plusYears(50);
            // The fields as written, in a year with the same digits whose every date exists (2000 is a leap year).
            LocalDateTime written = LocalDateTime.of(2000 + (int) fields.getLong(ChronoField.YEAR),
                    (int) fields.getLong(ChronoField.MONTH_OF_YEAR), (int) fields.getLong(ChronoField.DAY_OF_MONTH),
                    (int) fields.getLong(ChronoField.HOUR_OF_DAY), (int) fields.getLong(ChronoField.MINUTE_OF_HOUR),
                    (int) fields.getLong(ChronoField.SECOND_OF_MINUTE));
            // The latest century putting it at most 50 years ahead: the first from the one after the limit's.
            int year = (limit.getYear() / 100 + 1) * 100 + written.getYear() % 100;
            while (written.withYear(year).isAfter(limit)) {
                year -= 100;
            }
            LocalDateTime dated = written.withYear(year);
            // withYear moves 29 February of a year that has none to the 28th: then the date does not exist.
            if (dated.getDayOfMonth() != written.getDayOfMonth()
                    || dated.getDayOfWeek().getValue() != fields.getLong(ChronoField.DAY_OF_WEEK)) {
                return null;
            }
            return dated.toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static String formatUncached(Instant instant) {
        // RFC_1123_DATE_TIME leaves a one-digit day unpadded; IMF-fixdate pads it.
        String text = FORMAT.format(instant.truncatedTo(ChronoUnit.SECONDS));
        return text.charAt(6) == ' ' ? text.substring(0, 5) + "0" + text.substring(5) : text;
    }
}

package dev.netlab.webserver.http;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.time.temporal.ChronoUnit;

/** IMF-fixdate (RFC 9110 section 5.6.7) for Date and Last-Modified; the current second's text is cached. */
public final class HttpDate {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter[] PARSERS = {
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC),
        // RFC 850 (two-digit year, read as 1970-2069).
        new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
                .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.US).withZone(ZoneOffset.UTC),
        DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC)};

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
     * {@code text} is none of them.
     */
    public static Instant parse(String text) {
        String value = text.strip();
        for (DateTimeFormatter format : PARSERS) {
            try {
                return ZonedDateTime.parse(value, format).toInstant();
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        return null;
    }

    private static String formatUncached(Instant instant) {
        // RFC_1123_DATE_TIME leaves a one-digit day unpadded; IMF-fixdate pads it.
        String text = FORMAT.format(instant.truncatedTo(ChronoUnit.SECONDS));
        return text.charAt(6) == ' ' ? text.substring(0, 5) + "0" + text.substring(5) : text;
    }
}

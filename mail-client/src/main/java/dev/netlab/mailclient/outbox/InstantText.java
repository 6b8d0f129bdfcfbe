package dev.netlab.mailclient.outbox;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * An instant as the outbox writes it, {@link Instant#toString()}'s ISO-8601 text, written and read without the
 * general {@code DateTimeFormatter} for the years 1970-9999 (each message's header and records carry one): the same
 * text and the same instant, other forms handed to {@link Instant#toString()} and {@link Instant#parse}.
 */
final class InstantText {

    private static final long SECONDS_PER_DAY = 86_400;
    /** 10000-01-01T00:00:00Z: the first instant whose year has five digits. */
    private static final long YEAR_10000 = 253_402_300_800L;

    private InstantText() {
    }

    /** The same text as {@code instant.toString()}. */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < 0 || seconds >= YEAR_10000) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(seconds / SECONDS_PER_DAY);
        int secondOfDay = (int) (seconds % SECONDS_PER_DAY);
        int nanos = instant.getNano();
        // ISO_INSTANT prints the fraction in groups of three digits, as few as the value needs.
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        char[] text = new char[20 + (fractionDigits == 0 ? 0 : fractionDigits + 1)];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, secondOfDay / 3600, 2);
        text[13] = ':';
        digits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, secondOfDay % 60, 2);
        int at = 19;
        if (fractionDigits > 0) {
            text[at++] = '.';
            digits(text, at, nanos / pow10(9 - fractionDigits), fractionDigits);
            at += fractionDigits;
        }
        text[at] = 'Z';
        return new String(text);
    }

    /** The same instant as {@code Instant.parse(text)}, and the same exception for text it refuses. */
    static Instant parse(CharSequence text) {
        int length = text.length();
        int fractionDigits = length == 20 ? 0 : length > 21 ? length - 21 : -1;
        if ((fractionDigits != 0 && fractionDigits != 3 && fractionDigits != 6 && fractionDigits != 9)
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z'
                || (fractionDigits > 0 && text.charAt(19) != '.')) {
            return Instant.parse(text);
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 2);
        int day = number(text, 8, 2);
        int hour = number(text, 11, 2);
        int minute = number(text, 14, 2);
        int second = number(text, 17, 2);
        int fraction = fractionDigits == 0 ? 0 : number(text, 20, fractionDigits);
        if (year < 1970 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || fraction < 0) {
            return Instant.parse(text);
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return Instant.parse(text);
        }
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second,
                (long) fraction * pow10(9 - fractionDigits));
    }

    private static void digits(char[] text, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The decimal number in {@code count} ASCII digits at {@code at}, or -1 if one is not a digit. */
    private static int number(CharSequence text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int pow10(int exponent) {
        int value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }
}

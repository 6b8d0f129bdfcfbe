package dev.netlab.pingprotocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's text protocol: a ping is {@code Ping: <seq> <time>} (the heartbeat exercise writes {@code Ping <seq>
 * <time>}) and its pong is the same bytes with ASCII letters upper-cased. The time is Python's
 * {@code str(datetime.now())} (a local time without a zone) or {@code time.time()} (seconds since the epoch). Our
 * client writes UTC to the microsecond, which it reads back from the pong as the probe's nonce.
 *
 * @param seq    the sequence number
 * @param sentAt the sender's time, or null when absent, unreadable or beyond what an {@link Instant} holds
 */
public record LabPing(long seq, Instant sentAt) {

    /** Only the start of a datagram is read for a ping: the rest is padding. */
    private static final int MAX_TEXT = 128;
    /** Python's {@code str(datetime)} with microseconds, as our client writes it. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final Pattern PONG =
            Pattern.compile("PING: (\\d{1,18}) (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6})",
                    Pattern.CASE_INSENSITIVE);
    /** Epoch seconds beyond this are not {@code time.time()} values (year 5138): not a time at all. */
    private static final double MAX_EPOCH_SECONDS = 1e11;

    /** The line our client sends: {@code Ping: <seq> <UTC time to the microsecond>}. */
    public static String format(long seq, Instant sentAt) {
        Instant micros = sentAt.truncatedTo(ChronoUnit.MICROS);
        return "Ping: " + seq + " " + TIME.format(LocalDateTime.ofInstant(micros, ZoneOffset.UTC));
    }

    /**
     * The ping at the start of {@code datagram} (not consumed), reading a zone-less time in {@code zone}; null when
     * the datagram is not a ping. Never throws: a time no clock gives leaves {@code sentAt} null.
     */
    public static LabPing parse(ByteBuffer datagram, ZoneId zone) {
        int start = datagram.position();
        int length = Math.min(datagram.remaining(), MAX_TEXT);
        if (length < 6 || datagram.get(start) != 'P' || datagram.get(start + 1) != 'i'
                || datagram.get(start + 2) != 'n' || datagram.get(start + 3) != 'g') {
            return null;
        }
        int i = 4;
        if (datagram.get(start + i) == ':') {
            i++;
        }
        if (datagram.get(start + i) != ' ') {
            return null;
        }
        i++;
        long seq = 0;
        int digits = 0;
        // At most 18 digits: every such number fits a long.
        while (i < length && digits < 18) {
            byte b = datagram.get(start + i);
            if (b < '0' || b > '9') {
                break;
            }
            seq = seq * 10 + (b - '0');
            digits++;
            i++;
        }
        if (digits == 0 || (i < length && datagram.get(start + i) != ' ')) {
            return null;
        }
        Instant sentAt = null;
        if (i < length) {
            byte[] rest = new byte[length - i - 1];
            datagram.get(start + i + 1, rest);
            sentAt = time(new String(rest, StandardCharsets.US_ASCII).strip(), zone);
        }
        return new LabPing(seq, sentAt);
    }

    /**
     * The ping that an upper-cased pong of our client's line names: null when {@code text} (printable ASCII,
     * stripped) is no such pong, a ping whose {@code sentAt} is null when its time is not a date.
     */
    public static LabPing parsePong(String text) {
        Matcher m = PONG.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long seq = Long.parseLong(m.group(1));
        try {
            return new LabPing(seq, LocalDateTime.parse(m.group(2), TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return new LabPing(seq, null);
        }
    }

    private static Instant time(String text, ZoneId zone) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            if (text.indexOf('-') > 0) {
                return LocalDateTime.parse(text.replace(' ', 'T')).atZone(zone).toInstant();
            }
            double seconds = Double.parseDouble(text);
            if (seconds > 0 && seconds < MAX_EPOCH_SECONDS) {
                long whole = (long) seconds;
                return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
            }
        } catch (DateTimeException | NumberFormatException e) {
            // a ping with a time we cannot read (or no clock gives) still has its sequence number
        }
        return null;
    }
}

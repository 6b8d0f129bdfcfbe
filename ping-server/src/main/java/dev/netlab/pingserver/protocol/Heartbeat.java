package dev.netlab.pingserver.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The sequence number and send time of a lab ping, {@code Ping: <seq> <time>} as the lab's client writes it or
 * {@code Ping <seq> <time>} as the heartbeat exercise spells it. The time is either Python's
 * {@code str(datetime.now())} (local time without a zone, read in the server's zone) or {@code time.time()}
 * (seconds since the epoch).
 *
 * @param seq    the sequence number
 * @param sentAt the sender's time, or null when absent or unreadable
 */
public record Heartbeat(long seq, Instant sentAt) {

    private static final int MAX_TEXT = 128;

    /** The heartbeat in {@code datagram} (not consumed), or null when it is not one. */
    public static Heartbeat parse(ByteBuffer datagram, ZoneId zone) {
        int length = Math.min(datagram.remaining(), MAX_TEXT);
        if (length < 6 || datagram.get(0) != 'P' || datagram.get(1) != 'i' || datagram.get(2) != 'n'
                || datagram.get(3) != 'g') {
            return null;
        }
        int i = 4;
        if (datagram.get(i) == ':') {
            i++;
        }
        if (datagram.get(i) != ' ') {
            return null;
        }
        i++;
        long seq = 0;
        int digits = 0;
        while (i < length && digits < 18) {
            byte b = datagram.get(i);
            if (b < '0' || b > '9') {
                break;
            }
            seq = seq * 10 + (b - '0');
            digits++;
            i++;
        }
        if (digits == 0 || (i < length && datagram.get(i) != ' ')) {
            return null;
        }
        Instant sentAt = null;
        if (i < length) {
            byte[] rest = new byte[length - i - 1];
            datagram.get(i + 1, rest);
            sentAt = time(new String(rest, StandardCharsets.US_ASCII).strip(), zone);
        }
        return new Heartbeat(seq, sentAt);
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
            if (seconds > 0 && seconds < 1e11) {
                long whole = (long) seconds;
                return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            // a ping with a time we cannot read still has its sequence number
        }
        return null;
    }
}

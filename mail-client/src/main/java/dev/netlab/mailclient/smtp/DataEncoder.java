package dev.netlab.mailclient.smtp;

import java.util.Arrays;

/**
 * Prepares message content for DATA (RFC 5321 sections 2.3.8, 4.5.2 and 4.5.3.1.6): every line ends in CRLF (a bare
 * CR or LF becomes CRLF), a line starting with a dot gets one more, no line is longer than 998 octets, and the
 * terminating {@code CRLF.CRLF} is appended.
 */
public final class DataEncoder {

    /** RFC 5322 section 2.1.1: at most 998 characters per line, excluding CRLF. */
    public static final int MAX_LINE_OCTETS = 998;

    /** The encoded data and its line count (the terminating dot excluded). */
    public record Encoded(byte[] bytes, int lines) {
    }

    private DataEncoder() {
    }

    /**
     * @throws IllegalArgumentException when a line is longer than 998 octets (the message builder encodes long lines;
     *                                  raw content that has them is refused, not folded)
     */
    public static Encoded encode(byte[] content) {
        // One array sized for the worst case (no ByteArrayOutputStream, whose every write takes its lock).
        int bound = content.length + 5 + Math.min(content.length, growthBound(content));
        byte[] out = new byte[bound];
        int n = 0;
        int lineLength = 0;
        int lines = 0;
        boolean atLineStart = true;
        for (int i = 0; i < content.length; i++) {
            byte b = content[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < content.length && content[i + 1] == '\n') {
                    i++;
                }
                out[n++] = '\r';
                out[n++] = '\n';
                lines++;
                lineLength = 0;
                atLineStart = true;
                continue;
            }
            if (atLineStart && b == '.') {
                out[n++] = '.';
            }
            atLineStart = false;
            out[n++] = b;
            if (++lineLength > MAX_LINE_OCTETS) {
                throw new IllegalArgumentException("line " + (lines + 1) + " is longer than " + MAX_LINE_OCTETS
                        + " octets");
            }
        }
        if (!atLineStart) {
            out[n++] = '\r';
            out[n++] = '\n';
            lines++;
        }
        out[n++] = '.';
        out[n++] = '\r';
        out[n++] = '\n';
        return new Encoded(n == out.length ? out : Arrays.copyOf(out, n), lines);
    }

    /**
     * How many octets may grow on the way: each bare CR or LF (to CRLF) and each dot at a line start (stuffed) adds
     * one; counting every CR, LF and dot over-estimates, which is enough for a bound.
     */
    private static int growthBound(byte[] content) {
        int count = 1;
        for (byte b : content) {
            if (b == '\r' || b == '\n' || b == '.') {
                count++;
            }
        }
        return count;
    }
}

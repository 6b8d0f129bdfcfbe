package dev.netlab.mailclient.smtp;

import java.io.ByteArrayOutputStream;

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
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + content.length / 32 + 8);
        int lineLength = 0;
        int lines = 0;
        boolean atLineStart = true;
        for (int i = 0; i < content.length; i++) {
            byte b = content[i];
            if (b == '\r' || b == '\n') {
                if (b == '\r' && i + 1 < content.length && content[i + 1] == '\n') {
                    i++;
                }
                out.write('\r');
                out.write('\n');
                lines++;
                lineLength = 0;
                atLineStart = true;
                continue;
            }
            if (atLineStart && b == '.') {
                out.write('.');
            }
            atLineStart = false;
            out.write(b);
            if (++lineLength > MAX_LINE_OCTETS) {
                throw new IllegalArgumentException("line " + (lines + 1) + " is longer than " + MAX_LINE_OCTETS
                        + " octets");
            }
        }
        if (!atLineStart) {
            out.write('\r');
            out.write('\n');
            lines++;
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return new Encoded(out.toByteArray(), lines);
    }
}

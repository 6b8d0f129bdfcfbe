package dev.netlab.webserver.accesslog;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How an entry becomes one line: Apache/nginx "combined" plus the request time, or one JSON object. */
public enum AccessLogFormat {

    /** {@code host - - [time] "request" status bytes "referer" "user-agent" seconds}. */
    COMBINED {
        @Override
        void append(AccessLogEntry entry, StringBuilder line) {
            line.append(entry.remote() == null ? "-" : entry.remote().getHostAddress()).append(" - - [");
            CLF_TIME.formatTo(entry.time(), line);
            line.append("] \"");
            if (entry.method() == null) {
                line.append('-');
            } else {
                quoted(entry.method(), line);
                if (entry.target() != null) {
                    line.append(' ');
                    quoted(entry.target(), line);
                    line.append(' ').append(entry.protocol());
                }
            }
            line.append("\" ").append(entry.status()).append(' ').append(entry.bytes()).append(" \"");
            quoted(entry.referer() == null ? "-" : entry.referer(), line);
            line.append("\" \"");
            quoted(entry.userAgent() == null ? "-" : entry.userAgent(), line);
            line.append("\" ");
            seconds(entry.nanos(), line);
            line.append('\n');
        }
    },

    /** One JSON object per line; absent fields are null. */
    JSON {
        @Override
        void append(AccessLogEntry entry, StringBuilder line) {
            line.append("{\"time\":\"").append(entry.time()).append("\",\"remote\":");
            json(entry.remote() == null ? null : entry.remote().getHostAddress(), line);
            line.append(",\"method\":");
            json(entry.method(), line);
            line.append(",\"target\":");
            json(entry.target(), line);
            line.append(",\"protocol\":");
            json(entry.protocol(), line);
            line.append(",\"status\":").append(entry.status()).append(",\"bytes\":").append(entry.bytes())
                    .append(",\"referer\":");
            json(entry.referer(), line);
            line.append(",\"user_agent\":");
            json(entry.userAgent(), line);
            line.append(",\"request_time\":");
            seconds(entry.nanos(), line);
            line.append("}\n");
        }
    };

    private static final DateTimeFormatter CLF_TIME = DateTimeFormatter
            .ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Appends {@code entry} as one line, its newline included. */
    abstract void append(AccessLogEntry entry, StringBuilder line);

    /**
     * Appends a value for inside a combined line's quotes, as nginx does: quotes and backslashes escaped with a
     * backslash, every control and every byte above ASCII as {@code \xNN} ({@code \r}, {@code \n}, {@code \t} for
     * those three), so the line is printable ASCII and holds the client's bytes, not a recoding of them.
     */
    static void quoted(String value, StringBuilder line) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\' -> line.append('\\').append(c);
                case '\r' -> line.append("\\r");
                case '\n' -> line.append("\\n");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        line.append(c);
                    } else if (c <= 0xff) {
                        // The parser decodes a value's bytes as ISO-8859-1: one char is one byte sent.
                        line.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        line.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    }
                }
            }
        }
    }

    /** Appends a JSON string (or null): quotes, backslashes, every control and every non-ASCII character escaped. */
    static void json(String value, StringBuilder line) {
        if (value == null) {
            line.append("null");
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                line.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                        .append(HEX[c & 0xf]);
            } else {
                line.append(c);
            }
        }
        line.append('"');
    }

    /** Seconds with millisecond resolution, like nginx's $request_time. */
    private static void seconds(long nanos, StringBuilder line) {
        long millis = Math.max(0, nanos) / 1_000_000;
        line.append(millis / 1000).append('.');
        long fraction = millis % 1000;
        if (fraction < 100) {
            line.append('0');
        }
        if (fraction < 10) {
            line.append('0');
        }
        line.append(fraction);
    }
}

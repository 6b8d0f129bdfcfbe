package dev.netlab.mailclient.cli;

/**
 * Text from the network made safe for a terminal: control characters (C0 but TAB, DEL, C1) and the bidirectional
 * overrides are shown as escapes ({@code \x1b}, {@code \u009b}, {@code \u202e}), so a server cannot retitle the
 * window, clear the screen or reorder what the user reads. Everything else is kept as it is.
 */
final class SafeText {

    private SafeText() {
    }

    static String escape(CharSequence text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            String escaped = escaped(ch);
            if (escaped != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                out.append(escaped != null ? escaped : String.valueOf(ch));
            }
        }
        return out == null ? text.toString() : out.toString();
    }

    private static String escaped(char ch) {
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            return String.format("\\x%02x", (int) ch);
        }
        if ((ch >= 0x80 && ch < 0xa0) || isBidiControl(ch)) {
            return String.format("\\u%04x", (int) ch);
        }
        return null;
    }

    private static boolean isBidiControl(char ch) {
        return ch == 0x061c || ch == 0x200e || ch == 0x200f || (ch >= 0x202a && ch <= 0x202e)
                || (ch >= 0x2066 && ch <= 0x2069);
    }
}

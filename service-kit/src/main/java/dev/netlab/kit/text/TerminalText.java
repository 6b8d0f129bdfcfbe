package dev.netlab.kit.text;

/**
 * Text from the network made safe for a terminal: C0 controls, DEL and C1 controls are written out as escapes
 * ({@code \n}, {@code \r}, {@code \t}, otherwise {@code \xNN}), so no byte of a peer's can move the cursor, retitle
 * the window or clear the screen; the bidirectional overrides become a backslash, {@code u} and four hex digits,
 * so none can reorder what the user reads. Everything else is kept as it is.
 */
public final class TerminalText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TerminalText() {
    }

    /** {@code text} with every control character escaped; null is {@code "null"}, as string concatenation says. */
    public static String escape(CharSequence text) {
        if (text == null) {
            return "null";
        }
        int first = 0;
        while (first < text.length() && !isControl(text.charAt(first)) && !isBidiControl(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text.toString();
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isBidiControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
                continue;
            }
            if (!isControl(c)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /** The marks and embeddings, overrides and isolates of Unicode's bidirectional algorithm. */
    static boolean isBidiControl(char c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069);
    }

    /** C0 (U+0000-U+001F), DEL (U+007F) or C1 (U+0080-U+009F). */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }
}

package dev.netlab.webserver.http;

/** Character classes of RFC 9110 section 5.6 that the parsers share. */
final class HttpChars {

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpChars() {
    }

    /** A token character (field names, methods, chunk extension names). */
    static boolean tchar(int b) {
        return b >= 0 && b < 256 && TCHAR[b];
    }

    /** A byte allowed in a field value: field-vchar, SP, HTAB and obs-text; no other control byte (NUL, DEL). */
    static boolean fieldValueByte(int b) {
        return (b >= 0x20 || b == '\t') && b != 0x7f;
    }

    /** SP or HTAB: optional and bad whitespace (OWS, BWS). */
    static boolean whitespace(int b) {
        return b == ' ' || b == '\t';
    }
}

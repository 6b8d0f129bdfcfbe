package dev.netlab.webserver.http;

import java.util.List;
import java.util.Locale;

/**
 * Content negotiation on Accept-Encoding (RFC 9110 section 12.5.3): which of the codings a server offers the client
 * takes. Weights are honoured ({@code q=0} refuses, {@code *} stands for every coding not named, {@code x-gzip} is
 * {@code gzip}); an element whose weight is not a valid qvalue is ignored. Without the field, identity is sent.
 */
public final class AcceptEncoding {

    /** The weight of a coding the field does not name, nor {@code *}. */
    private static final int UNNAMED = -1;

    private AcceptEncoding() {
    }

    /**
     * The coding of {@code offered} (in the server's order of preference) to send, or null for identity: the one with
     * the highest weight above 0, the first offered among equals, unless the field gives identity (by name or by {@code *}) more weight.
     */
    public static String choose(List<String> fieldValues, List<String> offered) {
        if (fieldValues.isEmpty() || offered.isEmpty()) {
            return null;
        }
        String field = String.join(",", fieldValues);
        int any = weight(field, "*");
        String best = null;
        int bestWeight = 0;
        for (String coding : offered) {
            int w = weight(field, coding);
            if (w == UNNAMED && coding.equals("gzip")) {
                w = weight(field, "x-gzip");
            }
            if (w == UNNAMED) {
                w = any;
            }
            if (w > bestWeight) {
                best = coding;
                bestWeight = w;
            }
        }
        if (best == null) {
            return null;
        }
        // identity is always acceptable (section 12.5.3) but preferred only when the field weighs it more.
        int identity = weight(field, "identity");
        return (identity == UNNAMED ? any : identity) > bestWeight ? null : best;
    }

    /** The weight in thousandths the field gives {@code coding} by name (its first valid element), or UNNAMED. */
    static int weight(String field, String coding) {
        int start = 0;
        while (start <= field.length()) {
            int comma = field.indexOf(',', start);
            int end = comma < 0 ? field.length() : comma;
            String element = field.substring(start, end);
            int semicolon = element.indexOf(';');
            String name = (semicolon < 0 ? element : element.substring(0, semicolon)).strip();
            if (name.equalsIgnoreCase(coding)) {
                int w = semicolon < 0 ? 1000 : parameters(element.substring(semicolon + 1));
                if (w >= 0) {
                    return w;
                }
            }
            start = end + 1;
        }
        return UNNAMED;
    }

    /** The weight among {@code ;name=value} parameters: 1000 without q, -1 when q is not a qvalue. */
    private static int parameters(String parameters) {
        int weight = 1000;
        for (String parameter : parameters.split(";", -1)) {
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).strip();
            if (name.toLowerCase(Locale.ROOT).equals("q")) {
                weight = equals < 0 ? -1 : qvalue(parameter.substring(equals + 1).strip());
                if (weight < 0) {
                    return -1;
                }
            }
        }
        return weight;
    }

    /** A qvalue ({@code 0[.ddd]} or {@code 1[.000]}) in thousandths; -1 when it is not one. */
    static int qvalue(String text) {
        int n = text.length();
        if (n == 0 || n > 5 || (text.charAt(0) != '0' && text.charAt(0) != '1')) {
            return -1;
        }
        int value = (text.charAt(0) - '0') * 1000;
        if (n == 1) {
            return value;
        }
        if (text.charAt(1) != '.') {
            return -1;
        }
        int scale = 100;
        for (int i = 2; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value += (c - '0') * scale;
            scale /= 10;
        }
        return value > 1000 ? -1 : value;
    }
}

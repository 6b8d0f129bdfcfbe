package dev.netlab.mailclient.smtp;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the server advertised in its EHLO reply (RFC 5321 section 4.1.1.1): every line after the first is a keyword
 * with optional parameters.
 *
 * @param extended            whether EHLO was accepted (false after a HELO fallback: no extensions at all)
 * @param startTls            STARTTLS (RFC 3207)
 * @param authMechanisms      AUTH mechanisms, upper case (RFC 4954; the pre-standard {@code AUTH=} form too)
 * @param size                SIZE (RFC 1870): the limit in octets, 0 when none is declared; empty when not offered
 * @param pipelining          PIPELINING (RFC 2920)
 * @param eightBitMime        8BITMIME (RFC 6152)
 * @param smtpUtf8            SMTPUTF8 (RFC 6531)
 * @param enhancedStatusCodes ENHANCEDSTATUSCODES (RFC 2034)
 */
public record Capabilities(boolean extended, boolean startTls, Set<String> authMechanisms, OptionalLong size,
                           boolean pipelining, boolean eightBitMime, boolean smtpUtf8, boolean enhancedStatusCodes) {

    public Capabilities {
        authMechanisms = Set.copyOf(authMechanisms);
    }

    /** After HELO: nothing is known to be supported. */
    public static Capabilities none() {
        return new Capabilities(false, false, Set.of(), OptionalLong.empty(), false, false, false, false);
    }

    /** Parses the lines of a positive EHLO reply; unknown keywords and malformed parameters are ignored. */
    public static Capabilities parse(Reply ehlo) {
        List<String> lines = ehlo.lines();
        boolean startTls = false;
        boolean pipelining = false;
        boolean eightBitMime = false;
        boolean smtpUtf8 = false;
        boolean enhanced = false;
        OptionalLong size = OptionalLong.empty();
        Set<String> auth = new LinkedHashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] words = line.trim().split("[ =]+");
            String keyword = words[0].toUpperCase(Locale.ROOT);
            switch (keyword) {
                case "STARTTLS" -> startTls = true;
                case "PIPELINING" -> pipelining = true;
                case "8BITMIME" -> eightBitMime = true;
                case "SMTPUTF8" -> smtpUtf8 = true;
                case "ENHANCEDSTATUSCODES" -> enhanced = true;
                case "AUTH" -> {
                    for (int i = 1; i < words.length; i++) {
                        auth.add(words[i].toUpperCase(Locale.ROOT));
                    }
                }
                case "SIZE" -> size = OptionalLong.of(parseSize(words));
                default -> {
                    // Extensions we do not use.
                }
            }
        }
        return new Capabilities(true, startTls, auth, size, pipelining, eightBitMime, smtpUtf8, enhanced);
    }

    private static long parseSize(String[] words) {
        if (words.length < 2) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(words[1]));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

package dev.netlab.mailclient.smtp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One SMTP reply (RFC 5321 section 4.2): a three-digit code, the text of each line, and the enhanced status code
 * (RFC 3463) when the server advertised ENHANCEDSTATUSCODES.
 *
 * @param code     the reply code, 200 to 559
 * @param enhanced the enhanced status code of the first line, such as {@code 5.7.8}, when there is one
 * @param lines    the text after the code of every line, in order; at least one (possibly empty)
 */
public record Reply(int code, Optional<String> enhanced, List<String> lines) {

    /** What the first digit says (RFC 5321 section 4.2.1). */
    public enum Kind {
        /** 2yz: done. */
        POSITIVE_COMPLETION,
        /** 3yz: go on (354 after DATA, 334 in AUTH). */
        POSITIVE_INTERMEDIATE,
        /** 4yz: try again later. */
        TRANSIENT_NEGATIVE,
        /** 5yz: do not repeat. */
        PERMANENT_NEGATIVE
    }

    public Reply {
        if (code < 200 || code > 559) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        Objects.requireNonNull(enhanced, "enhanced");
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    /** A one-line reply without an enhanced code (tests, scripted servers). */
    public static Reply of(int code, String text) {
        return new Reply(code, Optional.empty(), List.of(text));
    }

    public Kind kind() {
        return switch (code / 100) {
            case 2 -> Kind.POSITIVE_COMPLETION;
            case 3 -> Kind.POSITIVE_INTERMEDIATE;
            case 4 -> Kind.TRANSIENT_NEGATIVE;
            default -> Kind.PERMANENT_NEGATIVE;
        };
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransient() {
        return kind() == Kind.TRANSIENT_NEGATIVE;
    }

    /** The text of the first line, without the enhanced code. */
    public String text() {
        String first = lines.get(0);
        return enhanced.map(e -> first.substring(Math.min(first.length(), e.length())).stripLeading()).orElse(first);
    }

    /** The reply as the server wrote it, one line per element (without CRLF). */
    public List<String> wireLines() {
        String[] out = new String[lines.size()];
        for (int i = 0; i < out.length; i++) {
            String separator = i == out.length - 1 ? " " : "-";
            String text = lines.get(i);
            out[i] = text.isEmpty() && i == out.length - 1 ? Integer.toString(code) : code + separator + text;
        }
        return List.of(out);
    }

    /** Code, enhanced code and first line: {@code 535 5.7.8 Authentication credentials invalid}. */
    @Override
    public String toString() {
        return code + (lines.get(0).isEmpty() ? "" : " " + lines.get(0));
    }
}

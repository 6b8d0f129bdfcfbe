package dev.netlab.mailclient.cli;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The JVM decodes command-line arguments with {@code sun.jnu.encoding} (the locale's charset). When that is not UTF-8,
 * a non-ASCII argument (a UTF-8 subject) may already be damaged when we see it.
 */
final class ArgumentEncoding {

    private ArgumentEncoding() {
    }

    /** A warning when {@code jnuEncoding} is not UTF-8 and some argument is not ASCII. */
    static Optional<String> warning(String jnuEncoding, List<String> arguments) {
        if (jnuEncoding == null || isUtf8(jnuEncoding)) {
            return Optional.empty();
        }
        boolean nonAscii = arguments.stream().anyMatch(a -> a.chars().anyMatch(ch -> ch > 0x7f));
        if (!nonAscii) {
            return Optional.empty();
        }
        return Optional.of("arguments were decoded as " + jnuEncoding + ", not UTF-8: non-ASCII arguments may be"
                + " damaged; use a UTF-8 locale (LANG=C.UTF-8) or put the text in --subject-file/--body-file");
    }

    private static boolean isUtf8(String name) {
        try {
            return Charset.forName(name).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

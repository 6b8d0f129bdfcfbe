package dev.netlab.webserver.files;

import java.util.regex.Pattern;

/**
 * A glob over URL paths: {@code *} any characters but {@code /}, {@code **} any characters, {@code ?} one character
 * but {@code /}, {@code {a,b}} one of the alternatives (not nested); everything else stands for itself. A pattern
 * starts with {@code /} and matches the whole path.
 */
public record PathGlob(String glob, Pattern regex) {

    /**
     * Compiles {@code glob}.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static PathGlob compile(String glob) {
        if (!glob.startsWith("/")) {
            throw new IllegalArgumentException("expected a glob starting with / (such as /assets/**.js)");
        }
        StringBuilder regex = new StringBuilder();
        boolean inBraces = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        regex.append(".*");
                        i++;
                    } else {
                        regex.append("[^/]*");
                    }
                }
                case '?' -> regex.append("[^/]");
                case '{' -> {
                    if (inBraces) {
                        throw new IllegalArgumentException("expected no { inside {...}");
                    }
                    inBraces = true;
                    regex.append("(?:");
                }
                case '}' -> {
                    if (!inBraces) {
                        throw new IllegalArgumentException("expected a { before }");
                    }
                    inBraces = false;
                    regex.append(')');
                }
                case ',' -> regex.append(inBraces ? "|" : ",");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        throw new IllegalArgumentException("expected no control characters");
                    }
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
        }
        if (inBraces) {
            throw new IllegalArgumentException("expected a } closing the {");
        }
        return new PathGlob(glob, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    /** Whether {@code path} (decoded, normalised, starting with /) matches. */
    public boolean matches(String path) {
        return regex.matcher(path).matches();
    }
}

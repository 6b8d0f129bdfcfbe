package dev.netlab.webserver.files;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Cache-Control value of a URL path: the first rule whose glob matches it, else the default (null: none).
 *
 * @param rules        in order of precedence
 * @param defaultValue the value of a path no rule matches, or null for no field
 */
public record CacheControlRules(List<Rule> rules, String defaultValue) {

    /** Paths matching {@code pattern} get {@code value}. */
    public record Rule(PathGlob pattern, String value) {
    }

    /** No Cache-Control anywhere. */
    public static final CacheControlRules NONE = new CacheControlRules(List.of(), null);

    // 1#cache-directive, each token [ "=" ( token / quoted-string ) ] (RFC 9111 section 5.2).
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String QUOTED = "\"(?:[\\t\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*\"";
    private static final String DIRECTIVE = TOKEN + "(?:=(?:" + TOKEN + "|" + QUOTED + "))?";
    private static final Pattern VALUE = Pattern.compile(DIRECTIVE + "(?:[ \\t]*,[ \\t]*" + DIRECTIVE + ")*");

    public CacheControlRules {
        rules = List.copyOf(rules);
    }

    /**
     * Checks a configured Cache-Control value.
     *
     * @throws IllegalArgumentException when it is not a comma-separated list of directives
     */
    public static String checkValue(String value) {
        if (!VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "expected Cache-Control directives such as max-age=3600, public (name or name=value, comma-separated)");
        }
        return value;
    }

    /** The value for {@code path}, or null when none applies. */
    public String valueFor(String path) {
        for (Rule rule : rules) {
            if (rule.pattern().matches(path)) {
                return rule.value();
            }
        }
        return defaultValue;
    }
}

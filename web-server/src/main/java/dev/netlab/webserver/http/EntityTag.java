package dev.netlab.webserver.http;

import java.util.ArrayList;
import java.util.List;

/**
 * An entity tag (RFC 9110 section 8.8.3) and the lists of them that If-Match and If-None-Match carry.
 *
 * @param weak   whether it was sent with the {@code W/} prefix
 * @param opaque the quoted part, quotes included
 */
public record EntityTag(boolean weak, String opaque) {

    /** A field value as a list: {@code *} (any), the tags it names, or null when it does not parse (then ignored). */
    public record Condition(boolean any, List<EntityTag> tags) {

        /**
         * Whether {@code current} is one of the tags, compared strongly (If-Match) or weakly (If-None-Match); a
         * representation without a tag ({@code current} null) matches only {@code *}.
         */
        public boolean matches(EntityTag current, boolean strong) {
            if (any) {
                return true;
            }
            if (current == null) {
                return false;
            }
            for (EntityTag tag : tags) {
                if (strong ? tag.strongMatch(current) : tag.opaque.equals(current.opaque)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Parses {@code "x"} or {@code W/"x"}; null when it is not an entity tag. */
    public static EntityTag parse(String text) {
        List<EntityTag> tags = list(text);
        return tags == null || tags.size() != 1 ? null : tags.getFirst();
    }

    /**
     * The condition of every line of a field together, as one value (RFC 9110 section 5.3); null when any line does
     * not parse, or when a line is {@code *} and another names tags: {@code "x", *} is neither {@code *} nor a list.
     */
    public static Condition condition(List<String> values) {
        List<EntityTag> tags = new ArrayList<>();
        boolean any = false;
        for (String value : values) {
            if (value.strip().equals("*")) {
                any = true;
                continue;
            }
            List<EntityTag> line = list(value);
            if (line == null) {
                return null;
            }
            tags.addAll(line);
        }
        if (any) {
            return tags.isEmpty() ? new Condition(true, List.of()) : null;
        }
        return new Condition(false, tags);
    }

    /** Strong comparison: both strong and the same opaque tag. */
    public boolean strongMatch(EntityTag other) {
        return !weak && !other.weak && opaque.equals(other.opaque);
    }

    /** A comma-separated list of tags (empty members allowed, RFC 9110 section 5.6.1); null when malformed. */
    private static List<EntityTag> list(String text) {
        List<EntityTag> tags = new ArrayList<>(2);
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == ',')) {
                i++;
            }
            if (i == n) {
                return tags;
            }
            boolean weak = text.startsWith("W/", i);
            if (weak) {
                i += 2;
            }
            if (i == n || text.charAt(i) != '"') {
                return null;
            }
            int close = text.indexOf('"', i + 1);
            if (close < 0) {
                return null;
            }
            tags.add(new EntityTag(weak, text.substring(i, close + 1)));
            i = close + 1;
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && text.charAt(i) != ',') {
                return null;
            }
        }
    }
}

package dev.netlab.webserver.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Header fields in arrival order, looked up by case-insensitive name. A {@link #frozen()} copy cannot change and
 * holds its fields encoded for the wire, so an answer that many requests share is written as one copy.
 */
public final class Headers {

    private final List<String> names;
    private final List<String> values;
    /** The fields as the wire carries them ("Name: value" CRLF each), only in a frozen copy; else null. */
    private final byte[] encoded;

    public Headers() {
        // Lists with no array until the first field: many answers add none.
        this.names = new ArrayList<>();
        this.values = new ArrayList<>();
        this.encoded = null;
    }

    private Headers(List<String> names, List<String> values, byte[] encoded) {
        this.names = names;
        this.values = values;
        this.encoded = encoded;
    }

    /**
     * Adds a field.
     *
     * @throws UnsupportedOperationException on a frozen copy
     */
    public Headers add(String name, String value) {
        if (encoded != null) {
            throw new UnsupportedOperationException("frozen header fields");
        }
        names.add(name);
        values.add(value);
        return this;
    }

    /** An unchangeable copy with the wire bytes of its fields, safe to share between connections. */
    public Headers frozen() {
        StringBuilder text = new StringBuilder(64 * names.size());
        for (int i = 0; i < names.size(); i++) {
            text.append(names.get(i)).append(": ").append(values.get(i)).append("\r\n");
        }
        return new Headers(List.copyOf(names), List.copyOf(values),
                text.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The wire bytes of a frozen copy's fields (each "Name: value" and CRLF; not to be modified), else null. */
    byte[] encoded() {
        return encoded;
    }

    /** Whether {@code other} holds the same fields in the same order (names compared exactly). */
    public boolean sameAs(Headers other) {
        return names.equals(other.names) && values.equals(other.values);
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }

    public String value(int index) {
        return values.get(index);
    }

    /** The first value of {@code name}, or null. */
    public String first(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order. */
    public List<String> all(String name) {
        List<String> found = new ArrayList<>(1);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                found.add(values.get(i));
            }
        }
        return found;
    }

    /** How many fields' names start with {@code prefix} (case-insensitive): one pass for a family of fields. */
    public int countNamesStartingWith(String prefix) {
        int count = 0;
        for (String n : names) {
            if (n.regionMatches(true, 0, prefix, 0, prefix.length())) {
                count++;
            }
        }
        return count;
    }

    /** How many fields are called {@code name}. */
    public int count(String name) {
        int count = 0;
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) {
                count++;
            }
        }
        return count;
    }

    /** Whether any {@code name} field lists {@code token} (comma-separated, case-insensitive: Connection). */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                for (String part : values.get(i).split(",")) {
                    if (part.strip().toLowerCase(Locale.ROOT).equals(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}

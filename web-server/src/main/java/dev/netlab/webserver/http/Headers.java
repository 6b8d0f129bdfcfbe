package dev.netlab.webserver.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Header fields in arrival order, looked up by case-insensitive name. */
public final class Headers {

    private final List<String> names = new ArrayList<>(16);
    private final List<String> values = new ArrayList<>(16);

    public Headers add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
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

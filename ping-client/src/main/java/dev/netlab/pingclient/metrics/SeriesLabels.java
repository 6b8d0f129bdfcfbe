package dev.netlab.pingclient.metrics;

import java.util.Map;
import java.util.TreeMap;

/**
 * The labels of one series group (a {@code {target,address}} pair with the deployment's and the target's extra
 * labels), rendered once for the exposition: sorted by name, as Micrometer wrote them, with the place where
 * {@code pingclient_errors_total}'s {@code kind} label goes.
 *
 * @param text    {@code name="value",...} in name order, values escaped
 * @param kindAt  where in {@code text} the {@code kind} label is inserted (the start of the first label after it)
 * @param sortKey the values in name order, joined by NUL: the order of series within a family
 * @param groupAt the length of {@code sortKey}'s part before {@code kind}
 */
public record SeriesLabels(String text, int kindAt, String sortKey, int groupAt) {

    private static final String KIND = "kind";

    /** Labels from {@code values} (name to value); a name that is also a constant label overrides it. */
    public static SeriesLabels of(Map<String, String> constant, Map<String, String> values) {
        TreeMap<String, String> sorted = new TreeMap<>(constant);
        sorted.putAll(values);
        StringBuilder text = new StringBuilder();
        StringBuilder key = new StringBuilder();
        int kindAt = -1;
        int groupAt = -1;
        for (Map.Entry<String, String> label : sorted.entrySet()) {
            if (kindAt < 0 && label.getKey().compareTo(KIND) > 0) {
                kindAt = text.length();
                groupAt = key.length();
            }
            if (!text.isEmpty()) {
                text.append(',');
                key.append('\0');
            }
            text.append(label.getKey()).append("=\"");
            escape(label.getValue(), text);
            text.append('"');
            key.append(label.getValue());
        }
        if (kindAt < 0) {
            kindAt = text.length();
            groupAt = key.length();
        } else if (kindAt > 0) {
            kindAt++;
        }
        return new SeriesLabels(text.toString(), kindAt, key.toString(), groupAt);
    }

    /** Whether {@code other} has the same labels before {@code kind} (their error series interleave by kind). */
    boolean sameGroup(SeriesLabels other) {
        return groupAt == other.groupAt && sortKey.regionMatches(0, other.sortKey, 0, groupAt);
    }

    /** Prometheus' escaping of a label value: backslash, double quote and newline. */
    static void escape(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}

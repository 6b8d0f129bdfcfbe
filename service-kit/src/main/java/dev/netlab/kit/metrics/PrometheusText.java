package dev.netlab.kit.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests and the watch command: every sample must belong to a family
 * declared with {@code # HELP} and {@code # TYPE}, names and labels must be valid, values must parse. Any violation
 * throws {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})?\\s+(\\S+)(\\s+-?\\d+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One metric family with its metadata and samples. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    /** A whole parsed scrape. */
    public record Scrape(Map<String, Family> families) {

        /** Every sample named exactly {@code name} (for histograms, e.g. {@code x_bucket}). */
        public List<Sample> samples(String name) {
            List<Sample> found = new ArrayList<>();
            for (Family family : families.values()) {
                for (Sample sample : family.samples()) {
                    if (sample.name().equals(name)) {
                        found.add(sample);
                    }
                }
            }
            return found;
        }

        /** The value of the sample named {@code name} whose labels include {@code labelPairs} (k1, v1, k2, v2...). */
        public Optional<Double> value(String name, String... labelPairs) {
            return samples(name).stream().filter(s -> matches(s.labels(), labelPairs)).map(Sample::value).findFirst();
        }

        /** Like {@link #value} but fails when absent. */
        public double valueOf(String name, String... labelPairs) {
            return value(name, labelPairs).orElseThrow(() -> new AssertionError(
                    "no sample " + name + " with labels " + String.join(",", labelPairs)));
        }

        private static boolean matches(Map<String, String> labels, String... pairs) {
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    private PrometheusText() {
    }

    /** Parses {@code text}, or throws naming the first line that breaks the format. */
    public static Scrape parse(String text) {
        Map<String, String> help = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition does not end with a newline");
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                requireName(parts[0], number);
                if (help.put(parts[0], parts.length > 1 ? parts[1] : "") != null) {
                    throw fail(number, "second HELP for " + parts[0]);
                }
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2 || !TYPES.contains(parts[1])) {
                    throw fail(number, "bad TYPE line: " + line);
                }
                requireName(parts[0], number);
                if (types.put(parts[0], parts[1]) != null) {
                    throw fail(number, "second TYPE for " + parts[0]);
                }
                samples.put(parts[0], new ArrayList<>());
            } else if (line.startsWith("#")) {
                continue;
            } else {
                Sample sample = parseSample(line, number);
                String family = familyOf(sample.name(), types);
                if (family == null) {
                    throw fail(number, "sample " + sample.name() + " has no TYPE declared before it");
                }
                samples.get(family).add(sample);
            }
        }
        Map<String, Family> families = new LinkedHashMap<>();
        for (Map.Entry<String, String> type : types.entrySet()) {
            String name = type.getKey();
            String helpText = help.get(name);
            if (helpText == null || helpText.isBlank()) {
                throw new IllegalArgumentException("family " + name + " has no HELP");
            }
            families.put(name, new Family(name, type.getValue(), helpText, List.copyOf(samples.get(name))));
        }
        return new Scrape(families);
    }

    private static String familyOf(String sampleName, Map<String, String> types) {
        if (types.containsKey(sampleName)) {
            return sampleName;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count", "_total", "_created", "_max"}) {
            if (sampleName.endsWith(suffix)) {
                String base = sampleName.substring(0, sampleName.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static Sample parseSample(String line, int number) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
            throw fail(number, "not a sample line: " + line);
        }
        Map<String, String> labels = m.group(2) == null ? Map.of() : parseLabels(m.group(2), number);
        return new Sample(m.group(1), labels, parseValue(m.group(3), number));
    }

    private static Map<String, String> parseLabels(String block, int number) {
        Map<String, String> labels = new LinkedHashMap<>();
        int i = 1;
        int end = block.length() - 1;
        while (i < end) {
            int eq = block.indexOf('=', i);
            if (eq < 0) {
                throw fail(number, "label without '='");
            }
            String name = block.substring(i, eq);
            if (!LABEL_NAME.matcher(name).matches()) {
                throw fail(number, "bad label name '" + name + "'");
            }
            if (block.charAt(eq + 1) != '"') {
                throw fail(number, "label value not quoted");
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < end; j++) {
                char c = block.charAt(j);
                if (c == '\\') {
                    char next = block.charAt(++j);
                    switch (next) {
                        case 'n' -> value.append('\n');
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        default -> throw fail(number, "bad escape \\" + next);
                    }
                } else if (c == '"') {
                    break;
                } else {
                    value.append(c);
                }
            }
            if (j >= end + 1 || block.charAt(j) != '"') {
                throw fail(number, "unterminated label value");
            }
            if (labels.put(name, value.toString()) != null) {
                throw fail(number, "repeated label " + name);
            }
            i = j + 1;
            if (i < end) {
                if (block.charAt(i) != ',') {
                    throw fail(number, "expected ',' between labels");
                }
                i++;
            }
        }
        return labels;
    }

    private static double parseValue(String text, int number) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw fail(number, "bad value '" + text + "'");
                }
            }
        };
    }

    private static void requireName(String name, int number) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw fail(number, "bad metric name '" + name + "'");
        }
    }

    private static IllegalArgumentException fail(int number, String message) {
        return new IllegalArgumentException("line " + number + ": " + message);
    }
}

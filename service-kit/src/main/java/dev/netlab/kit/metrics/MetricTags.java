package dev.netlab.kit.metrics;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The constant labels of {@code metrics.tags}, checked where they enter: a name Prometheus refuses, or one our meters
 * already carry, would make every scrape of {@code /metrics} fail while the service says it is ready.
 */
public final class MetricTags {

    /** The key the tags live under. */
    public static final String KEY = "metrics.tags";

    /**
     * Label names our meters set themselves: the services' (see docs/architecture.md), the JVM and process binders',
     * Prometheus' histogram and summary labels, and the two labels Prometheus adds when it scrapes.
     */
    public static final Set<String> RESERVED = Set.of(
            "method", "status", "mode", "reason", "kind", "state", "target", "address", "command", "code", "outcome",
            "area", "id", "action", "cause", "gc", "runtime", "vendor", "version",
            "le", "quantile", "job", "instance");

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final int MAX_VALUE_LENGTH = 256;

    private MetricTags() {
    }

    /**
     * The tags under {@code metrics.tags}, in order.
     *
     * @throws InvalidConfigException naming the key when a name or value cannot be a constant label
     */
    public static Map<String, String> read(Settings settings) {
        Map<String, String> tags = new LinkedHashMap<>();
        settings.stringMap(KEY).forEach((name, value) -> {
            String key = KEY + "." + name;
            if (!LABEL_NAME.matcher(name).matches()) {
                throw InvalidConfigException.invalid(key, value,
                        "'" + name + "' is not a Prometheus label name: expected [a-zA-Z_][a-zA-Z0-9_]*");
            }
            if (name.startsWith("__")) {
                throw InvalidConfigException.invalid(key, value,
                        "label names starting with __ are reserved by Prometheus: expected another name");
            }
            if (RESERVED.contains(name)) {
                throw InvalidConfigException.invalid(key, value, "'" + name
                        + "' is a label our meters or Prometheus already set: expected a name other than "
                        + String.join(", ", RESERVED.stream().sorted().toList()));
            }
            if (value.isBlank() || value.length() > MAX_VALUE_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
                throw InvalidConfigException.invalid(key, value,
                        "expected a label value of 1 to " + MAX_VALUE_LENGTH + " characters without control characters");
            }
            tags.put(name, value);
        });
        return Collections.unmodifiableMap(tags);
    }
}

package dev.netlab.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration keys a service documents in its {@code src/main/resources/application.yaml}, with their default
 * values: what a manifest's config file or environment variable must name. List entries are keyed by {@code *}
 * ({@code pingclient.targets.*.host}); an empty map ({@code metrics.tags: {}}) takes any child.
 */
record ServiceKeys(String service, Map<String, String> defaults, Set<String> maps) {

    private static final YAMLMapper YAML = new YAMLMapper();

    static ServiceKeys of(String service) {
        Map<String, String> defaults = new TreeMap<>();
        Set<String> maps = new TreeSet<>();
        flatten(readYaml(DeployFiles.read(service + "/src/main/resources/application.yaml")), "", defaults, maps);
        return new ServiceKeys(service, defaults, maps);
    }

    /** Whether {@code key} (list indices as numbers or {@code *}) is one of this service's keys. */
    boolean knows(String key) {
        String pattern = key.replaceAll("\\.\\d+(?=\\.|$)", ".*");
        if (defaults.containsKey(pattern)) {
            return true;
        }
        return maps.stream().anyMatch(map -> pattern.startsWith(map + ".") && !pattern.substring(map.length() + 1)
                .contains("."));
    }

    /** The default value of {@code key}, or an AssertionError when the service has no such key. */
    String defaultOf(String key) {
        String value = defaults.get(key);
        if (value == null) {
            throw new AssertionError(service + "'s application.yaml has no key " + key);
        }
        return value;
    }

    int port(String key) {
        return Integer.parseInt(defaultOf(key));
    }

    /** The key an environment variable sets, by Helidon's mapping: FOO_BAR_dash_BAZ sets foo.bar-baz. */
    static String keyOfVariable(String name) {
        return name.replace("_dash_", "\u0000").toLowerCase(Locale.ROOT).replace('_', '.').replace('\u0000', '-');
    }

    /** Every key of a config file's tree, list indices as numbers. */
    static Set<String> keysOf(JsonNode tree) {
        Map<String, String> leaves = new TreeMap<>();
        flattenIndexed(tree, "", leaves);
        return leaves.keySet();
    }

    static JsonNode readYaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void flatten(JsonNode node, String path, Map<String, String> leaves, Set<String> maps) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                maps.add(path);
            }
            node.fields().forEachRemaining(e -> flatten(e.getValue(), join(path, e.getKey()), leaves, maps));
        } else if (node.isArray() && !node.isEmpty()) {
            node.forEach(child -> flatten(child, join(path, "*"), leaves, maps));
        } else {
            leaves.put(path, node.isNull() ? "" : node.asText());
        }
    }

    private static void flattenIndexed(JsonNode node, String path, Map<String, String> leaves) {
        if (node.isObject() && !node.isEmpty()) {
            node.fields().forEachRemaining(e -> flattenIndexed(e.getValue(), join(path, e.getKey()), leaves));
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                flattenIndexed(node.get(i), join(path, String.valueOf(i)), leaves);
            }
        } else {
            leaves.put(path, node.asText());
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}

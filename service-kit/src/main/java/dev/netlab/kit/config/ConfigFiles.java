package dev.netlab.kit.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigNode.ListNode;
import io.helidon.config.spi.ConfigNode.ObjectNode;
import io.helidon.config.spi.ConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a {@code --config} file and the bundled {@code application.yaml} as YAML documents, says in one line what is
 * wrong with a file that cannot be used, and hands a document to Helidon without the lists kept out of its tree.
 */
final class ConfigFiles {

    private static final String DEFAULTS = "application.yaml";

    private ConfigFiles() {
    }

    /**
     * The document of the YAML file at {@code path}: maps with text keys (a dotted key {@code a.b} nested as Helidon
     * nests it), lists and scalars; empty for an empty file.
     *
     * @throws InvalidConfigException when it cannot be read, is not YAML, is not a mapping of keys, or has an empty key
     */
    static Map<String, Object> read(Path path) {
        if (!ConfigLoader.readable(path)) {
            throw InvalidConfigException.unreadable(path.toString(), "no such readable file (--config)");
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw InvalidConfigException.unreadable(path.toString(), "not valid YAML (" + firstLine(e) + ")");
        }
        return parse(text, path.toString());
    }

    /** The document of the {@code application.yaml} on the classpath (as Helidon's classpath source finds it), or empty. */
    static Map<String, Object> defaults() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        URL resource = (loader != null ? loader : ConfigFiles.class.getClassLoader()).getResource(DEFAULTS);
        if (resource == null) {
            return Map.of();
        }
        try (InputStream in = resource.openStream()) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> parse(String text, String source) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            throw InvalidConfigException.unreadable(source, "not valid YAML"
                    + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
                    + ": " + e.getProblem());
        } catch (RuntimeException e) {
            throw InvalidConfigException.unreadable(source, "not valid YAML (" + firstLine(e) + ")");
        }
        // Helidon reports these as a ClassCastException, an IllegalStateException, or recurses forever.
        if (document != null && !(document instanceof Map<?, ?>)) {
            throw InvalidConfigException.unreadable(source,
                    "expected a mapping of keys to values (admin:, lifecycle:, ...), found " + describe(document));
        }
        if (document == null) {
            return Map.of();
        }
        emptyKey((Map<?, ?>) document, "").ifPresent(where -> {
            throw InvalidConfigException.unreadable(source, "an empty key " + where + ": every key needs a name");
        });
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> nested = (Map<String, Object>) nested(document);
            return nested;
        } catch (IllegalArgumentException e) {
            throw InvalidConfigException.unreadable(source, "not valid YAML (" + e.getMessage() + ")");
        }
    }

    /** {@code data} with text keys, a dotted key {@code a.b: 1} nested as {@code a: {b: 1}} (Helidon's reading). */
    private static Object nested(Object data) {
        return switch (data) {
            case Map<?, ?> map -> {
                Map<String, Object> nested = new LinkedHashMap<>();
                map.forEach((key, value) -> put(nested, String.valueOf(key), nested(value)));
                yield nested;
            }
            case List<?> list -> {
                List<Object> nested = new ArrayList<>(list.size());
                list.forEach(value -> nested.add(nested(value)));
                yield nested;
            }
            case null, default -> data;
        };
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> map, String key, Object value) {
        int dot = key.indexOf('.');
        if (dot < 0) {
            if (map.get(key) instanceof Map<?, ?> before && value instanceof Map<?, ?> more) {
                ((Map<String, Object>) more).forEach((name, v) -> put((Map<String, Object>) before, name, v));
            } else if (map.containsKey(key)) {
                throw new IllegalArgumentException("the key " + key + " is given twice");
            } else {
                map.put(key, value);
            }
            return;
        }
        String first = key.substring(0, dot);
        if (!map.containsKey(first)) {
            map.put(first, new LinkedHashMap<String, Object>());
        }
        if (!(map.get(first) instanceof Map<?, ?> inner)) {
            throw new IllegalArgumentException("the key " + key + " is under " + first + ", which holds a value");
        }
        put((Map<String, Object>) inner, key.substring(dot + 1), value);
    }

    /**
     * A Helidon source of {@code document} without the lists at {@code cut} (their full keys), scalars converted to
     * text as Helidon's YAML parser converts them.
     */
    static ConfigSource source(Map<String, Object> document, Set<String> cut) {
        return ConfigSources.create(objectNode(document, "", cut));
    }

    private static ObjectNode objectNode(Map<?, ?> map, String path, Set<String> cut) {
        ObjectNode.Builder builder = ObjectNode.builder();
        map.forEach((name, value) -> {
            String key = path.isEmpty() ? name.toString() : path + "." + name;
            switch (value) {
                case List<?> list when cut.contains(key) -> {
                    // Kept out of the tree: Settings reads it from the document.
                }
                case List<?> list -> builder.addList(name.toString(), listNode(list, key, cut));
                case Map<?, ?> child -> builder.addObject(name.toString(), objectNode(child, key, cut));
                case null -> builder.addValue(name.toString(), "");
                default -> builder.addValue(name.toString(), value.toString());
            }
        });
        return builder.build();
    }

    private static ListNode listNode(List<?> list, String path, Set<String> cut) {
        ListNode.Builder builder = ListNode.builder();
        for (int i = 0; i < list.size(); i++) {
            switch (list.get(i)) {
                case List<?> inner -> builder.addList(listNode(inner, path + "." + i, cut));
                case Map<?, ?> child -> builder.addObject(objectNode(child, path + "." + i, cut));
                case null -> builder.addValue("");
                case Object value -> builder.addValue(value.toString());
            }
        }
        return builder.build();
    }

    /** Where the first empty or null key of {@code map} is ({@code under metrics.tags}), if it has one. */
    private static Optional<String> emptyKey(Map<?, ?> map, String path) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String name = entry.getKey() == null ? "" : entry.getKey().toString();
            if (name.isBlank()) {
                return Optional.of(path.isEmpty() ? "at the top level" : "under " + path);
            }
            String childPath = path.isEmpty() ? name : path + "." + name;
            Optional<String> inside = switch (entry.getValue()) {
                case Map<?, ?> child -> emptyKey(child, childPath);
                case List<?> list -> emptyKeyInList(list, childPath);
                case null, default -> Optional.empty();
            };
            if (inside.isPresent()) {
                return inside;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> emptyKeyInList(List<?> list, String path) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> entry) {
                Optional<String> inside = emptyKey(entry, path + "." + i);
                if (inside.isPresent()) {
                    return inside;
                }
            }
        }
        return Optional.empty();
    }

    /** What a YAML document that is not a mapping holds: {@code a list}, {@code the single value 'hello'}. */
    private static String describe(Object document) {
        if (document instanceof List<?>) {
            return "a list";
        }
        String text = String.valueOf(document);
        return "the single value '" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "'";
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Checks that each key {@code variables} sets reaches into a list only at an index the list has: Helidon cannot
     * merge {@code pingclient.targets.5.port} over a list of two, nor is there an entry to set in a long list.
     *
     * @param layers      the file's document, then the defaults' document: the first layer that has a list gives all
     *                    of it, as Helidon merges a list as a whole
     * @param variables   each key the environment sets, with its variable
     * @param environment the variables' values
     */
    static void checkListIndexes(List<Node> layers, Map<String, String> variables, Map<String, String> environment) {
        variables.forEach((key, variable) -> {
            String[] names = key.split("\\.");
            List<Node> nodes = layers;
            for (String name : names) {
                Node node = nodes.getFirst();
                if (node.type() == Config.Type.LIST) {
                    int size = node.children().size();
                    if (!name.matches("\\d{1,9}") || Integer.parseInt(name) >= size) {
                        throw InvalidConfigException.invalidFrom(key, "'" + environment.get(variable) + "'",
                                "from environment variable " + variable, node.key() + " has " + size
                                        + (size == 1 ? " entry" : " entries") + " (indexes 0 to " + (size - 1) + "): the environment sets values"
                                        + " of entries the --config file lists, and a list comes from that file");
                    }
                    nodes = List.of(node);
                }
                nodes = nodes.stream().map(n -> n.get(name)).filter(Node::exists).toList();
                if (nodes.isEmpty()) {
                    return;
                }
            }
        });
    }
}

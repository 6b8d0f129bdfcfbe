package dev.netlab.kit.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads a {@code --config} file, and says in one line what is wrong with one that cannot be used. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /**
     * The tree of the YAML file at {@code path}.
     *
     * @throws InvalidConfigException when it cannot be read, is not YAML, is not a mapping of keys, or has an empty key
     */
    static Config read(Path path) {
        if (!ConfigLoader.readable(path)) {
            throw InvalidConfigException.unreadable(path.toString(), "no such readable file (--config)");
        }
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(Files.readString(path, StandardCharsets.UTF_8));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            throw InvalidConfigException.unreadable(path.toString(), "not valid YAML"
                    + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
                    + ": " + e.getProblem());
        } catch (IOException | RuntimeException e) {
            throw InvalidConfigException.unreadable(path.toString(), "not valid YAML (" + firstLine(e) + ")");
        }
        // Helidon reports these as a ClassCastException, an IllegalStateException, or recurses forever.
        if (document != null && !(document instanceof Map<?, ?>)) {
            throw InvalidConfigException.unreadable(path.toString(),
                    "expected a mapping of keys to values (admin:, lifecycle:, ...), found " + describe(document));
        }
        if (document != null) {
            emptyKey((Map<?, ?>) document, "").ifPresent(where -> {
                throw InvalidConfigException.unreadable(path.toString(),
                        "an empty key " + where + ": every key needs a name");
            });
        }
        try {
            return ConfigLoader.tree(ConfigSources.file(path));
        } catch (RuntimeException e) {
            throw InvalidConfigException.unreadable(path.toString(), "not valid YAML (" + firstLine(e) + ")");
        }
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
     * merge {@code pingclient.targets.5.port} over a list of two.
     *
     * @param layers      the file's tree, then the defaults' tree: the first layer that has a list gives all of it,
     *                    as Helidon merges a list as a whole (walked apart, so that a long list is not built again)
     * @param variables   each key the environment sets, with its variable
     * @param environment the variables' values
     */
    static void checkListIndexes(List<Config> layers, Map<String, String> variables, Map<String, String> environment) {
        variables.forEach((key, variable) -> {
            String[] names = key.split("\\.");
            List<Config> nodes = layers;
            for (String name : names) {
                Config node = nodes.getFirst();
                if (node.type() == Config.Type.LIST) {
                    int size = node.asNodeList().orElse(List.of()).size();
                    if (!name.matches("\\d{1,9}") || Integer.parseInt(name) >= size) {
                        throw InvalidConfigException.invalidFrom(key, "'" + environment.get(variable) + "'",
                                "from environment variable " + variable, node.key() + " has " + size
                                        + (size == 1 ? " entry" : " entries") + " (indexes 0 to " + (size - 1) + "): the environment sets values"
                                        + " of entries the --config file lists, and a list comes from that file");
                    }
                    nodes = List.of(node);
                }
                nodes = nodes.stream().map(n -> n.get(name)).filter(Config::exists).toList();
                if (nodes.isEmpty()) {
                    return;
                }
            }
        });
    }
}

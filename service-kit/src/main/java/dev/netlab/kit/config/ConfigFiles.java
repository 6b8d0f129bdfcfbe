package dev.netlab.kit.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads a {@code --config} file, and says in one line what is wrong with one that cannot be used. */
final class ConfigFiles {

    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate key (\\S*)");

    private ConfigFiles() {
    }

    /**
     * The tree of the YAML file at {@code path}.
     *
     * @throws InvalidConfigException when it cannot be read, is not YAML, or is not a mapping of keys
     */
    static Config read(Path path) {
        if (!ConfigLoader.readable(path)) {
            throw InvalidConfigException.unreadable(path.toString(), "no such readable file (--config)");
        }
        try {
            return ConfigLoader.tree(ConfigSources.file(path));
        } catch (RuntimeException e) {
            throw explain(path, e);
        }
    }

    private static InvalidConfigException explain(Path path, RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root instanceof ClassCastException) {
            return InvalidConfigException.unreadable(path.toString(),
                    "expected a mapping of keys to values (admin:, lifecycle:, ...), found " + topLevel(path));
        }
        Matcher duplicate = DUPLICATE_KEY.matcher(String.valueOf(root.getMessage()));
        if (root instanceof IllegalStateException && duplicate.find()) {
            return InvalidConfigException.unreadable(path.toString(),
                    "an empty key under " + duplicate.group(1) + ": every key needs a name");
        }
        return InvalidConfigException.unreadable(path.toString(), "not valid YAML (" + firstLine(root) + ")");
    }

    /** What the top level of a YAML file that is not a mapping holds: {@code the text 'hello'}, {@code a list}. */
    private static String topLevel(Path path) {
        try {
            Object value = new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(Files.readString(path, StandardCharsets.UTF_8));
            if (value instanceof List<?>) {
                return "a list";
            }
            String text = String.valueOf(value);
            return "the single value '" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "'";
        } catch (IOException | RuntimeException e) {
            return "no mapping";
        }
    }

    private static String firstLine(Throwable root) {
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Checks that each key {@code variables} sets reaches into a list only at an index the list has: Helidon cannot
     * merge {@code pingclient.targets.5.port} over a list of two.
     *
     * @param base        the file and the defaults, merged
     * @param variables   each key the environment sets, with its variable
     * @param environment the variables' values
     */
    static void checkListIndexes(Config base, Map<String, String> variables, Map<String, String> environment) {
        variables.forEach((key, variable) -> {
            String[] names = key.split("\\.");
            Config node = base;
            for (String name : names) {
                if (node.type() == Config.Type.LIST) {
                    int size = node.asNodeList().orElse(List.of()).size();
                    if (!name.matches("\\d{1,9}") || Integer.parseInt(name) >= size) {
                        throw InvalidConfigException.invalidFrom(key, "'" + environment.get(variable) + "'",
                                "from environment variable " + variable, node.key() + " has " + size
                                        + (size == 1 ? " entry" : " entries") + " (indexes 0 to " + (size - 1) + "): the environment sets values"
                                        + " of entries the --config file lists, and a list comes from that file");
                    }
                }
                node = node.get(name);
                if (!node.exists()) {
                    return;
                }
            }
        });
    }
}

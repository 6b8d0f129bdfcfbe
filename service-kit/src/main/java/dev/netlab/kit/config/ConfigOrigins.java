package dev.netlab.kit.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where each key's value came from, so that an error names the variable or file to fix rather than only the key.
 *
 * @param file      the {@code --config} file, if given
 * @param fileTree  its keys (its YAML document, long lists included)
 * @param variables each key the environment sets, with its variable
 * @param options   the keys command-line options set
 */
record ConfigOrigins(Optional<Path> file, Optional<Node> fileTree, Map<String, String> variables,
                     Set<String> options) {

    /** Nothing known: every value is a default. */
    static final ConfigOrigins NONE = new ConfigOrigins(Optional.empty(), Optional.empty(), Map.of(), Set.of());

    /** Where the value of {@code key} came from ({@code from environment variable ADMIN_PORT}), or empty for a default. */
    Optional<String> of(String key) {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        if (options.contains(key)) {
            return Optional.of("from the command line");
        }
        if (variables.containsKey(key)) {
            return Optional.of("from environment variable " + variables.get(key));
        }
        return fileTree.filter(tree -> tree.get(key).exists()).flatMap(tree -> file).map(path -> "in " + path);
    }
}

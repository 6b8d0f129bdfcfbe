package dev.netlab.kit.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.EnvironmentVariables;
import io.helidon.config.spi.ConfigSource;
import io.helidon.config.yaml.YamlConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Builds a service's configuration from, lowest to highest precedence: the classpath {@code application.yaml}, the
 * {@code --config FILE}, the environment ({@code FOO_BAR} sets {@code foo.bar}, {@code FOO_BAR_dash_BAZ} sets
 * {@code foo.bar-baz}) and the command line's own options. Each source is checked against the service's
 * {@link ConfigSchema} before they are merged, so an error names the file, variable or option it came from.
 */
public final class ConfigLoader {

    /**
     * How many nodes the Helidon trees this class built held: Helidon 4.2 flattens a tree with a {@code Stream.concat}
     * per list entry (three times per build), which grows faster than the square of a list's length, so a load builds
     * the file into as few trees as it can (a test counts them).
     */
    static final AtomicLong NODES_BUILT = new AtomicLong();

    private ConfigLoader() {
    }

    /**
     * Loads the layered configuration without checking keys against a schema: for tests of one configuration class.
     *
     * @see #load(Optional, Map, Map, ConfigSchema)
     */
    public static Settings load(Optional<Path> file, Map<String, String> environment, Map<String, String> overrides) {
        return load(file, environment, overrides, ConfigSchema.NONE);
    }

    /**
     * Loads the layered configuration.
     *
     * @param file        the {@code --config} file, if given
     * @param environment the environment (tests pass their own map)
     * @param overrides   keys set by command-line options, which win over everything
     * @param schema      the keys the service knows; keys under its roots that it does not know are refused
     * @throws InvalidConfigException when the file is missing or is not a YAML mapping, or a key is unknown or its
     *                                value has the wrong shape
     */
    public static Settings load(Optional<Path> file, Map<String, String> environment, Map<String, String> overrides,
                                ConfigSchema schema) {
        // Files are read as YAML documents: Helidon builds one tree, of everything but the long lists.
        Optional<Map<String, Object>> fileDocument = file.map(ConfigFiles::read);
        Optional<Node> fileKeys = fileDocument.map(document -> Node.Document.of("", document));
        fileKeys.ifPresent(document -> schema.check(document, "in " + file.orElseThrow()));
        Map<String, String> variables = EnvironmentKeys.variables(environment);
        Map<String, String> ours = EnvironmentKeys.under(schema.roots(), variables);
        ours.forEach((key, variable) ->
                schema.checkValue(key, environment.get(variable), "from environment variable " + variable));
        if (!overrides.isEmpty()) {
            schema.check(new Node.Tree(tree(ConfigSources.create(overrides, "command line"))), "from the command line");
        }

        Map<String, Object> defaults = ConfigFiles.defaults();
        List<Node> layers = new ArrayList<>();
        fileKeys.ifPresent(layers::add);
        layers.add(Node.Document.of("", defaults));
        if (!ours.isEmpty()) {
            // Helidon merges a list as a whole, so the environment can only reach entries the file or defaults have.
            ConfigFiles.checkListIndexes(layers, ours, environment);
        }
        Set<String> cut = schema.longLists();
        Map<String, Node> longLists = LongLists.read(cut, layers, ours, environment);

        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        // Helidon gives the first source the highest priority.
        sources.add(ConfigSources.create(overrides, "command line"));
        Map<String, String> expanded = new HashMap<>(EnvironmentVariables.expand(environment));
        expanded.keySet().removeIf(key -> LongLists.inside(cut, key.toLowerCase(Locale.ROOT)));
        sources.add(ConfigSources.create(expanded, "environment"));
        fileDocument.ifPresent(document -> sources.add(ConfigFiles.source(document, cut)));
        sources.add(ConfigFiles.source(defaults, cut));
        Config config;
        try {
            config = tree(sources);
        } catch (RuntimeException e) {
            // Checked above for the cases known to fail; anything else still gets one line.
            throw InvalidConfigException.unreadable("the environment over " + file.map(Path::toString)
                    .orElse("application.yaml"), "cannot be merged (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        return Settings.of(config, new ConfigOrigins(file, fileKeys, variables, overrides.keySet()), longLists);
    }

    /** The tree of {@code sources}, the first one winning, with nothing but YAML parsing added. */
    static Config tree(List<Supplier<? extends ConfigSource>> sources) {
        Config config = Config.builder()
                .sources(sources)
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .disableFilterServices()
                .disableParserServices()
                .addParser(YamlConfigParser.create())
                .disableCaching()
                // Key references (${other.key} inside a key name) are not a feature we offer, and resolving them
                // flattens the tree through a Stream.concat per node: minutes at 5,000 ping-client targets.
                .disableKeyResolving()
                .build();
        // Touch the tree so that parse errors surface now, not at first use.
        touch(config);
        return config;
    }

    /**
     * Visits every node of {@code node}'s tree, recursing as deep as the tree and not as wide: Helidon's
     * {@code traverse()} chains a {@code Stream.concat} per sibling, which overflows the stack on a list of thousands.
     */
    private static void touch(Config node) {
        NODES_BUILT.incrementAndGet();
        if (node.type() != Config.Type.VALUE) {
            for (Config child : node.asNodeList().orElse(List.of())) {
                touch(child);
            }
        }
    }

    /** The tree of one source. */
    static Config tree(Supplier<? extends ConfigSource> source) {
        return tree(List.of(source));
    }

    /** Whether {@code path} can be read as a configuration file. */
    static boolean readable(Path path) {
        return Files.isRegularFile(path) && Files.isReadable(path);
    }
}

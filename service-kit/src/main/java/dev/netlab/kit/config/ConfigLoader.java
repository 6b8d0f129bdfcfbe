package dev.netlab.kit.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;
import io.helidon.config.EnvironmentVariables;
import io.helidon.config.spi.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds a service's configuration from, lowest to highest precedence: the classpath {@code application.yaml}, the
 * {@code --config FILE}, the environment ({@code FOO_BAR} sets {@code foo.bar}, {@code FOO_BAR_dash_BAZ} sets
 * {@code foo.bar-baz}) and the command line's own options.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads the layered configuration.
     *
     * @param file        the {@code --config} file, if given
     * @param environment the environment (tests pass their own map)
     * @param overrides   keys set by command-line options, which win over everything
     * @throws InvalidConfigException when the file is missing or is not valid YAML
     */
    public static Settings load(Optional<Path> file, Map<String, String> environment, Map<String, String> overrides) {
        // Helidon gives the first source the highest priority.
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        sources.add(ConfigSources.create(overrides, "command line"));
        sources.add(ConfigSources.create(EnvironmentVariables.expand(environment), "environment"));
        file.ifPresent(path -> {
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw InvalidConfigException.unreadable(path.toString(), "no such readable file (--config)");
            }
            sources.add(ConfigSources.file(path));
        });
        sources.add(ConfigSources.classpath("application.yaml").optional(true));
        try {
            Config config = Config.builder()
                    .sources(sources)
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .disableFilterServices()
                    .disableParserServices()
                    .addParser(io.helidon.config.yaml.YamlConfigParser.create())
                    .disableCaching()
                    .build();
            // Touch the tree so that parse errors surface now, not at first use.
            config.traverse().count();
            return Settings.of(config);
        } catch (ConfigException e) {
            String where = file.map(Path::toString).orElse("application.yaml");
            throw InvalidConfigException.unreadable(where, "not valid YAML (" + firstLine(e) + ")");
        }
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
}

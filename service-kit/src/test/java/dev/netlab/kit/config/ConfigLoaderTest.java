package dev.netlab.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.ConfigSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path path = dir.resolve("netlab.yaml");
        Files.writeString(path, yaml);
        return path;
    }

    @Test
    void theClasspathDefaultsApplyWhenNothingElseIsGiven() {
        Settings s = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertThat(s.string("demo.greeting")).isEqualTo("from-classpath");
        assertThat(s.integer("demo.level", 0, 9)).isEqualTo(1);
    }

    @Test
    void aLongListIsBuiltIntoTwoTreesWhateverTheEnvironmentSets() throws IOException {
        // Each Helidon tree of a 5,000-entry list costs seconds: one tree checks the file, one merges everything;
        // environment variables are checked against the file's tree and the defaults', not the two merged again.
        Path config = file("demo:\n  targets:\n" + "    - host: a\n".repeat(300));
        long before = ConfigLoader.NODES_BUILT.get();
        ConfigLoader.tree(ConfigSources.file(config));
        long fileNodes = ConfigLoader.NODES_BUILT.get() - before;
        ConfigSchema schema = ConfigSchema.ofClasspath(List.of());
        for (Map<String, String> environment : List.of(Map.<String, String>of(),
                Map.of("ADMIN_PORT", "0", "DEMO_TARGETS_1_PORT", "9"))) {
            before = ConfigLoader.NODES_BUILT.get();
            Settings s = ConfigLoader.load(Optional.of(config), environment, Map.of(), schema);
            assertThat(ConfigLoader.NODES_BUILT.get() - before).as("nodes built with %s", environment)
                    .isLessThan(fileNodes * 5 / 2);
            assertThat(s.string("demo.targets.299.host")).isEqualTo("a");
        }
    }

    @Test
    void aFilesValuesReadAsHelidonsYamlParserReadsThem() throws IOException {
        Path config = file("""
                demo.greeting: dotted
                demo:
                  level: 0x10
                  ratio: .5
                  flag: yes
                  nothing:
                  empty: ''
                  map: {1: one, a.b: two}
                  list: [1, 2.50, [x]]
                """);
        Settings s = ConfigLoader.load(Optional.of(config), Map.of(), Map.of());
        assertThat(s.string("demo.greeting")).isEqualTo("dotted");
        assertThat(s.string("demo.level")).isEqualTo("16");
        assertThat(s.string("demo.ratio")).isEqualTo("0.5");
        assertThat(s.string("demo.flag")).isEqualTo("true");
        assertThat(s.has("demo.nothing")).isTrue();
        assertThat(s.optionalString("demo.nothing")).isEmpty();
        assertThat(s.has("demo.empty")).isTrue();
        assertThat(s.stringMap("demo.map")).isEqualTo(Map.of("1", "one"));
        assertThat(s.string("demo.map.a.b")).isEqualTo("two");
        assertThat(s.string("demo.list.1")).isEqualTo("2.5");
        assertThat(s.string("demo.list.2.0")).isEqualTo("x");
        assertThat(s.integer("demo.port", 0, 0)).as("a default the file leaves alone").isZero();
    }

    @Test
    void aFileOverridesTheClasspathKeyByKey() throws IOException {
        Path config = file("demo:\n  greeting: from-file\n");
        Settings s = ConfigLoader.load(Optional.of(config), Map.of(), Map.of());
        assertThat(s.string("demo.greeting")).isEqualTo("from-file");
        assertThat(s.integer("demo.level", 0, 9)).as("untouched keys keep their default").isEqualTo(1);
    }

    @Test
    void theEnvironmentOverridesTheFile() throws IOException {
        Path config = file("demo:\n  greeting: from-file\n  level: 2\n");
        Settings s = ConfigLoader.load(Optional.of(config), Map.of("DEMO_GREETING", "from-env"), Map.of());
        assertThat(s.string("demo.greeting")).isEqualTo("from-env");
        assertThat(s.integer("demo.level", 0, 9)).isEqualTo(2);
    }

    @Test
    void dashedKeysAreReachedFromTheEnvironment() {
        Settings s = ConfigLoader.load(Optional.empty(), Map.of("LIFECYCLE_DRAIN_dash_TIMEOUT", "250ms"), Map.of());
        assertThat(s.string("lifecycle.drain-timeout")).isEqualTo("250ms");
    }

    @Test
    void commandLineOptionsOverrideTheEnvironment() {
        Settings s = ConfigLoader.load(Optional.empty(), Map.of("DEMO_LEVEL", "3"), Map.of("demo.level", "4"));
        assertThat(s.integer("demo.level", 0, 9)).isEqualTo(4);
    }

    @Test
    void aMissingConfigFileIsAConfigurationError() {
        Path missing = dir.resolve("absent.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), Map.of(), Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such readable file");
    }

    @Test
    void malformedYamlIsAConfigurationErrorNamingTheFile() throws IOException {
        Path config = file("demo:\n  greeting: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(config), Map.of(), Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid configuration: " + config + ": not valid YAML at line 3, column 1:"
                        + " expected ',' or ']', but got <stream end>");
    }

    @Test
    void aFileHoldingJustAStringIsRefusedAsNotAMapping() throws IOException {
        Path config = file("just a string\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(config), Map.of(), Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid configuration: " + config + ": expected a mapping of keys to values"
                        + " (admin:, lifecycle:, ...), found the single value 'just a string'");
        Path list = file("- admin\n- port\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(list), Map.of(), Map.of()))
                .hasMessageEndingWith("expected a mapping of keys to values (admin:, lifecycle:, ...), found a list");
    }

    @Test
    void anEmptyKeyIsAConfigurationErrorNamingWhereItIs() throws IOException {
        Path config = file("metrics:\n  tags:\n    '': x\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(config), Map.of(), Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid configuration: " + config + ": an empty key under metrics.tags: every key needs a name");
        Path topLevel = file("'': x\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(topLevel), Map.of(), Map.of()))
                .as("Helidon recurses forever on this one")
                .hasMessage("invalid configuration: " + topLevel + ": an empty key at the top level: every key needs a name");
        Path inList = file("demo:\n  targets:\n    - host: a\n      '': x\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(inList), Map.of(), Map.of()))
                .hasMessageContaining("an empty key under demo.targets.0: every key needs a name");
    }

    @Test
    void aVariableReachingPastTheEndOfAListNamesTheVariableNotTheFile() throws IOException {
        Path config = file("demo:\n  targets:\n    - host: a\n    - host: b\n");
        ConfigSchema schema = ConfigSchema.ofClasspath(List.of());
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(config), Map.of("DEMO_TARGETS_2_PORT", "9"), Map.of(),
                schema))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid configuration: demo.targets.2.port = '9' (from environment variable"
                        + " DEMO_TARGETS_2_PORT): demo.targets has 2 entries (indexes 0 to 1): the environment"
                        + " sets values of entries the --config file lists, and a list comes from that file");
        Settings s = ConfigLoader.load(Optional.of(config), Map.of("DEMO_TARGETS_1_PORT", "9"), Map.of(), schema);
        assertThat(s.string("demo.targets.1.port")).isEqualTo("9");
    }

    @Test
    void aBadValueSaysWhichVariableFileOrOptionItCameFrom() throws IOException {
        Path config = file("demo:\n  level: 12\n");
        Settings s = ConfigLoader.load(Optional.of(config), Map.of("ADMIN_PORT", "abc"), Map.of("demo.ratio", "2"));
        assertThat(s.attributed(catchInvalid(() -> s.port("admin.port")))).hasMessage("invalid configuration:"
                + " admin.port = 'abc' (from environment variable ADMIN_PORT): expected an integer from 0 to 65535");
        assertThat(s.attributed(catchInvalid(() -> s.integer("demo.level", 0, 9))))
                .hasMessageStartingWith("invalid configuration: demo.level = '12' (in " + config + "): ");
        assertThat(s.attributed(catchInvalid(() -> s.probability("demo.ratio"))))
                .hasMessageStartingWith("invalid configuration: demo.ratio = '2' (from the command line): ");
        Settings defaults = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertThat(defaults.attributed(catchInvalid(() -> defaults.integer("demo.level", 5, 9))))
                .as("a default says nothing of where it came from")
                .hasMessage("invalid configuration: demo.level = '1': expected an integer from 5 to 9");
    }

    /** The error {@code read} throws. */
    static InvalidConfigException catchInvalid(Runnable read) {
        try {
            read.run();
        } catch (InvalidConfigException e) {
            return e;
        }
        throw new AssertionError("expected an InvalidConfigException");
    }
}

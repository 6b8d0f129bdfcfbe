package dev.netlab.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A list declared long ({@code demo.targets} here, {@code pingclient.targets} in the ping-client) is read from the
 * YAML documents, never from Helidon's tree, and reads, merges and fails exactly as a list in the tree does.
 */
class LongListsTest {

    private static final ConfigSchema LONG = ConfigSchema.ofClasspath(List.of("demo.targets.*.labels.*"),
            List.of("demo.targets"));
    private static final ConfigSchema TREE = ConfigSchema.ofClasspath(List.of("demo.targets.*.labels.*"));

    @TempDir
    Path dir;

    private Optional<Path> file(String yaml) throws IOException {
        Path path = dir.resolve("netlab.yaml");
        Files.writeString(path, yaml);
        return Optional.of(path);
    }

    @Test
    void aLongListIsNeverBuiltIntoHelidonsTree() throws IOException {
        Optional<Path> config = file("demo:\n  greeting: hi\n  targets:\n"
                + "    - {host: a, port: 7}\n".repeat(3_000));
        long before = ConfigLoader.NODES_BUILT.get();
        Settings s = ConfigLoader.load(config, Map.of("DEMO_TARGETS_2999_PORT", "9"), Map.of(), LONG);
        assertThat(ConfigLoader.NODES_BUILT.get() - before).as("Helidon nodes built").isLessThan(100);
        List<Settings> targets = s.child("demo").list("targets");
        assertThat(targets).hasSize(3_000);
        assertThat(targets.get(2_998).port("port")).isEqualTo(7);
        assertThat(targets.get(2_999).port("port")).isEqualTo(9);
        assertThat(targets.get(2_999).fullKey("port")).isEqualTo("demo.targets.2999.port");
        assertThat(s.string("demo.targets.0.host")).isEqualTo("a");
        assertThat(s.string("demo.greeting")).isEqualTo("hi");
    }

    @Test
    void aLongListReadsAsTheSameListInTheTree() throws IOException {
        Optional<Path> config = file("""
                demo:
                  targets:
                    - host: a
                      port: 7
                      labels: {zone: b, rack: 12}
                    - host: ''
                    - host:
                      port: 0x10
                """);
        Map<String, String> environment = Map.of("DEMO_TARGETS_0_HOST", "env", "DEMO_TARGETS_1_LABELS_ZONE", "c");
        for (ConfigSchema schema : List.of(TREE, LONG)) {
            List<Settings> targets = ConfigLoader.load(config, environment, Map.of(), schema).list("demo.targets");
            assertThat(targets).as("with %s", schema.longLists()).hasSize(3);
            assertThat(targets.get(0).string("host")).isEqualTo("env");
            assertThat(targets.get(0).stringMap("labels")).isEqualTo(Map.of("zone", "b", "rack", "12"));
            assertThat(targets.get(1).optionalString("host")).isEmpty();
            assertThat(targets.get(1).stringMap("labels")).isEqualTo(Map.of("zone", "c"));
            assertThat(targets.get(2).has("host")).isTrue();
            assertThat(targets.get(2).has("labels")).isFalse();
            assertThat(targets.get(2).integer("port", 0, 99)).isEqualTo(16);
        }
    }

    @Test
    void withoutAListInTheFileTheDefaultsListIsInEffectAndTheEnvironmentSetsItsEntries() throws IOException {
        for (ConfigSchema schema : List.of(TREE, LONG)) {
            Settings s = ConfigLoader.load(file("demo:\n  greeting: x\n"), Map.of("DEMO_TARGETS_0_PORT", "9"),
                    Map.of(), schema);
            assertThat(s.list("demo.targets")).hasSize(1);
            assertThat(s.list("demo.targets").getFirst().string("host")).isEqualTo("127.0.0.1");
            assertThat(s.string("demo.targets.0.port")).isEqualTo("9");
        }
    }

    @Test
    void aVariablePastTheEndOfALongListIsRefusedAsInTheTree() throws IOException {
        Optional<Path> config = file("demo:\n  targets:\n    - host: a\n    - host: b\n");
        for (ConfigSchema schema : List.of(TREE, LONG)) {
            assertThatThrownBy(() -> ConfigLoader.load(config, Map.of("DEMO_TARGETS_2_PORT", "9"), Map.of(), schema))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessage("invalid configuration: demo.targets.2.port = '9' (from environment variable"
                            + " DEMO_TARGETS_2_PORT): demo.targets has 2 entries (indexes 0 to 1): the environment"
                            + " sets values of entries the --config file lists, and a list comes from that file");
        }
    }

    @Test
    void aBadEntryOfALongListNamesItsIndexAndTheFile() throws IOException {
        Optional<Path> config = file("demo:\n  targets:\n    - host: a\n    - hots: b\n");
        assertThatThrownBy(() -> ConfigLoader.load(config, Map.of(), Map.of(), LONG))
                .hasMessage("invalid configuration: unknown key demo.targets.1.hots (in " + config.orElseThrow()
                        + "): did you mean demo.targets.1.host?");
        Optional<Path> badPort = file("demo:\n  targets:\n    - host: a\n    - {host: b, port: x}\n");
        Settings s = ConfigLoader.load(badPort, Map.of("DEMO_TARGETS_0_PORT", "y"), Map.of(), LONG);
        Settings second = s.list("demo.targets").get(1);
        assertThat(s.attributed(ConfigLoaderTest.catchInvalid(() -> second.port("port"))))
                .hasMessage("invalid configuration:"
                + " demo.targets.1.port = 'x' (in " + badPort.orElseThrow() + "): expected an integer from 0 to 65535");
        Settings first = s.list("demo.targets").get(0);
        assertThat(s.attributed(ConfigLoaderTest.catchInvalid(() -> first.port("port"))))
                .hasMessage("invalid configuration:"
                + " demo.targets.0.port = 'y' (from environment variable DEMO_TARGETS_0_PORT): expected an integer"
                + " from 0 to 65535");
        assertThatThrownBy(() -> ConfigLoader.load(file("demo:\n  targets: none\n"), Map.of(), Map.of(), LONG))
                .hasMessageEndingWith("expected a list, not a single value");
    }

    @Test
    void anEntryOfALongListHasNoHelidonNode() throws IOException {
        Settings s = ConfigLoader.load(file("demo:\n  targets: [{host: a}]\n"), Map.of(), Map.of(), LONG);
        assertThat(s.child("demo").raw().get("greeting").asString().get()).isEqualTo("from-classpath");
        assertThatThrownBy(() -> s.list("demo.targets").getFirst().raw()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onlyAListOfApplicationYamlCanBeDeclaredLong() {
        assertThatThrownBy(() -> ConfigSchema.ofClasspath(List.of(), List.of("demo.greeting")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("demo.greeting");
    }
}

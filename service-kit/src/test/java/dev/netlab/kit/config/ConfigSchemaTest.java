package dev.netlab.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and shapes checked against the bundled application.yaml, file by file and variable by variable. */
class ConfigSchemaTest {

    private static final ConfigSchema SCHEMA = ConfigSchema.ofClasspath(
            List.of("metrics.tags.*", "demo.targets.*.labels.*", "demo.extras.*.name"));

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        Path path = dir.resolve("netlab.yaml");
        Files.writeString(path, yaml);
        return path;
    }

    private Settings loadFile(String yaml) throws IOException {
        return ConfigLoader.load(Optional.of(file(yaml)), Map.of(), Map.of(), SCHEMA);
    }

    private static Settings loadEnvironment(Map<String, String> environment) {
        return ConfigLoader.load(Optional.empty(), environment, Map.of(), SCHEMA);
    }

    @Test
    void theRootsAreTheTopLevelNamesOfApplicationYaml() {
        assertThat(SCHEMA.roots()).containsExactlyInAnyOrder("admin", "lifecycle", "metrics", "demo");
    }

    @Test
    void aMapWhereAValueBelongsIsRefusedNamingTheKeyAndTheFile() throws IOException {
        assertThatThrownBy(() -> loadFile("demo:\n  port: {a: 1}\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid configuration: demo.port = {a: 1} (in " + dir.resolve("netlab.yaml")
                        + "): expected a single value, not a map");
    }

    @Test
    void aListWhereAValueBelongsIsRefused() {
        assertThatThrownBy(() -> loadFile("demo:\n  port: [1, 2]\n"))
                .hasMessageContaining("demo.port = [1, 2] (in ")
                .hasMessageEndingWith("expected a single value, not a list");
    }

    @Test
    void aValueWhereASectionBelongsIsRefusedListingItsKeys() {
        assertThatThrownBy(() -> loadFile("admin: 5\n"))
                .hasMessageContaining("admin = '5' (in ")
                .hasMessageEndingWith("expected a map with the keys bind-address, port, not a single value");
    }

    @Test
    void aValueWhereAListBelongsIsRefused() {
        assertThatThrownBy(() -> loadFile("demo:\n  targets: notalist\n"))
                .hasMessageContaining("demo.targets = 'notalist' (in ")
                .hasMessageEndingWith("expected a list, not a single value");
        assertThatThrownBy(() -> loadFile("demo:\n  targets:\n"))
                .hasMessageEndingWith("expected a list, not an empty value");
    }

    @Test
    void aMapInsideAListEntryWhereAValueBelongsIsRefused() {
        assertThatThrownBy(() -> loadFile("demo:\n  targets:\n    - host: {name: x}\n"))
                .hasMessageContaining("demo.targets.0.host = {name: x} (in ");
    }

    @Test
    void anUnknownKeyInAFileNamesTheClosestKnownKey() {
        assertThatThrownBy(() -> loadFile("demo:\n  limit:\n    greeting: x\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid configuration: unknown key demo.limit.greeting (in " + dir.resolve("netlab.yaml")
                        + "): did you mean demo.greeting?");
        assertThatThrownBy(() -> loadFile("lifecycle:\n  drain-timout: 1s\n"))
                .hasMessageEndingWith("did you mean lifecycle.drain-timeout?");
    }

    @Test
    void aMapOfFreeNamesUnderAnotherRootIsNeverTheSuggestion() {
        assertThatThrownBy(() -> loadFile("demo:\n  tags:\n    keepalive-requests: 5\n"))
                .hasMessageContaining("unknown key demo.tags.keepalive-requests")
                .hasMessageNotContaining("metrics.tags")
                .hasMessageContaining("did you mean demo.");
        assertThatThrownBy(() -> loadFile("metrics:\n  tag:\n    env: x\n"))
                .hasMessageEndingWith("did you mean metrics.tags.env?");
    }

    @Test
    void anUnknownKeyInAListEntryIsSuggestedAtTheSameIndex() {
        assertThatThrownBy(() -> loadFile("demo:\n  targets:\n    - host: a\n    - hots: b\n"))
                .hasMessageContaining("unknown key demo.targets.1.hots (in ")
                .hasMessageEndingWith("did you mean demo.targets.1.host?");
    }

    @Test
    void declaredOptionalKeysAndTheirMapsAreKnown() {
        assertThatCode(() -> loadFile("""
                metrics:
                  tags:
                    node: n1
                demo:
                  targets:
                    - host: a
                      labels: {site: lab, rack: r1}
                  extras:
                    - name: one
                """)).doesNotThrowAnyException();
        assertThatThrownBy(() -> loadFile("metrics:\n  tags:\n    node: {a: 1}\n"))
                .hasMessageContaining("metrics.tags.node = {a: 1}")
                .hasMessageEndingWith("expected a single value, not a map");
    }

    @Test
    void keysOutsideOurRootsAreLeftAlone() {
        assertThatCode(() -> loadFile("webserver:\n  whatever: 1\nsomething-else: [1]\n")).doesNotThrowAnyException();
        assertThatCode(() -> loadEnvironment(Map.of("PATH", "/usr/bin", "LS_COLORS", "di=01;34:ln=01;36",
                "WEBSERVER_PORTT", "1", "JAVA_TOOL_OPTIONS", "-Xmx1g", "_", "/usr/bin/java", "A_dash_B", "x")))
                .doesNotThrowAnyException();
    }

    @Test
    void anUnknownKeyFromTheEnvironmentNamesTheVariable() {
        assertThatThrownBy(() -> loadEnvironment(Map.of("DEMO_GRETING", "x")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid configuration: unknown key demo.greting (from environment variable DEMO_GRETING):"
                        + " did you mean demo.greeting (DEMO_GREETING)?");
        assertThatThrownBy(() -> loadEnvironment(Map.of("LIFECYCLE_DRAIN_TIMEOUT", "1s")))
                .hasMessageEndingWith("did you mean lifecycle.drain-timeout (LIFECYCLE_DRAIN_dash_TIMEOUT)?");
    }

    @Test
    void theEnvironmentCannotSetAListOrAMapWhole() {
        assertThatThrownBy(() -> loadEnvironment(Map.of("DEMO_TARGETS", "x")))
                .hasMessage("invalid configuration: demo.targets = 'x' (from environment variable DEMO_TARGETS):"
                        + " expected a list, which the --config file sets: the environment sets single values");
        assertThatThrownBy(() -> loadEnvironment(Map.of("METRICS_TAGS", "x")))
                .hasMessageContaining("expected a map of names to values, which the --config file sets");
    }

    @Test
    void theEnvironmentSetsValuesOfListedEntriesAndMapEntries() {
        Settings s = loadEnvironment(Map.of("DEMO_TARGETS_0_PORT", "7", "METRICS_TAGS_NODE", "n1"));
        assertThat(s.string("demo.targets.0.port")).isEqualTo("7");
        assertThat(s.stringMap("metrics.tags")).containsEntry("node", "n1");
    }

    @Test
    void anUnknownCommandLineKeyIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("demo.prot", "1"), SCHEMA))
                .hasMessage("invalid configuration: unknown key demo.prot (from the command line): did you mean demo.port?");
    }

    @Test
    void noSchemaChecksNothing() {
        assertThatCode(() -> ConfigLoader.load(Optional.of(file("demo:\n  prot: 1\n")), Map.of("DEMO_PROT", "1"),
                Map.of())).doesNotThrowAnyException();
    }
}

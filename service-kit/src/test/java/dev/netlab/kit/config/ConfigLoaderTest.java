package dev.netlab.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
                .hasMessageContaining(config.toString())
                .hasMessageContaining("not valid YAML");
    }
}

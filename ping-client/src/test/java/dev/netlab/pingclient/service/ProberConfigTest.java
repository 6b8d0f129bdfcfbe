package dev.netlab.pingclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.ConfigSchema;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.lifecycle.ServiceMain;
import dev.netlab.kit.lifecycle.ThreadKind;
import dev.netlab.pingclient.probe.Pacing;
import dev.netlab.pingclient.Main;
import dev.netlab.pingprotocol.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code pingclient.*}: defaults, files, environment overrides, and every bad value stopping startup, read with the
 * service's own schema (as the service reads it: {@code pingclient.targets} kept out of Helidon's tree).
 */
class ProberConfigTest {

    private static final ConfigSchema SCHEMA = ServiceMain.schema(new Main());

    @TempDir
    Path dir;

    private ProberConfig read(String yaml, Map<String, String> env) throws Exception {
        return ProberConfig.read(load(yaml, env));
    }

    private Settings load(String yaml, Map<String, String> env) throws Exception {
        Optional<Path> file = Optional.empty();
        if (yaml != null) {
            Path path = dir.resolve("c.yaml");
            Files.writeString(path, yaml);
            file = Optional.of(path);
        }
        return ConfigLoader.load(file, env, Map.of(), SCHEMA);
    }

    @Test
    void theTargetsAreALongListReadOutsideHelidonsTree() throws Exception {
        // Helidon's list handling is quadratic in a list's length: 5,000 targets took 42-45 s to start in it.
        StringBuilder yaml = new StringBuilder("pingclient:\n  targets:\n");
        for (int i = 0; i < 5_000; i++) {
            yaml.append("    - {host: 127.0.0.1, port: 7, mode: echo, name: t").append(i).append("}\n");
        }
        Settings settings = load(yaml.toString(), Map.of("PINGCLIENT_TARGETS_4999_PORT", "9"));
        assertThat(settings.child("pingclient").raw().get("targets").exists()).isFalse();
        List<TargetConfig> targets = ProberConfig.read(settings).targets();
        assertThat(targets).hasSize(5_000);
        assertThat(targets.get(4_998).port()).isEqualTo(7);
        assertThat(targets.get(4_999)).isEqualTo(new TargetConfig("t4999", "127.0.0.1", 9, Mode.ECHO,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 56, Map.of()));
    }

    @Test
    void theDefaultsProbeTheLocalPingServersLabAndStampListeners() throws Exception {
        ProberConfig config = read(null, Map.of());
        assertThat(config.targets()).containsExactly(
                new TargetConfig("127.0.0.1:12000", "127.0.0.1", 12000, Mode.LAB, Duration.ofSeconds(1),
                        Duration.ofSeconds(1), 0, Map.of()),
                new TargetConfig("127.0.0.1:8620", "127.0.0.1", 8620, Mode.STAMP, Duration.ofSeconds(1),
                        Duration.ofSeconds(1), 44, Map.of()));
        assertThat(config.resolveInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxAddresses()).isEqualTo(256);
    }

    @Test
    void theEnvironmentSetsAScalarOfAListedTargetByIndex() throws Exception {
        ProberConfig config = read(null, Map.of("PINGCLIENT_TARGETS_0_PORT", "12001",
                "PINGCLIENT_TARGETS_1_HOST", "10.1.2.3", "PINGCLIENT_DEFAULTS_INTERVAL", "250ms"));
        assertThat(config.targets().get(0).port()).isEqualTo(12001);
        assertThat(config.targets().get(0).name()).isEqualTo("127.0.0.1:12001");
        assertThat(config.targets().get(1).host()).isEqualTo("10.1.2.3");
        assertThat(config.targets()).allMatch(t -> t.interval().equals(Duration.ofMillis(250)));
    }

    @Test
    void aFilesListReplacesTheDefaultTargets() throws Exception {
        ProberConfig config = read("""
                pingclient:
                  targets:
                    - host: ::1
                      mode: echo
                      size: 1KiB
                      labels: {zone: b}
                """, Map.of());
        assertThat(config.targets()).containsExactly(new TargetConfig("[::1]:7007", "::1", 7007, Mode.ECHO,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1024, Map.of("zone", "b")));
        assertThat(config.labelKeys()).containsExactly("zone");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'[{port: 1}]'|pingclient.targets.0.host",
        "'[{host: a, mode: icmp}]'|pingclient.targets.0.mode",
        "'[{host: a, port: 70000}]'|pingclient.targets.0.port",
        "'[{host: a, interval: soon}]'|pingclient.targets.0.interval",
        "'[{host: a, timeout: 0s}]'|pingclient.targets.0.timeout",
        "'[{host: a, mode: stamp, size: 10}]'|pingclient.targets.0.size",
        "'[{host: a, labels: {target: x}}]'|pingclient.targets.0.labels.target",
        "'[{host: a, labels: {bad-name: x}}]'|pingclient.targets.0.labels.bad-name",
        "'[{host: \"[::1]\"}]'|pingclient.targets.0.host",
        "'[{host: a}, {host: a}]'|pingclient.targets.1.name",
    })
    void aBadTargetStopsStartupNamingTheKey(String targets, String key) {
        assertThatThrownBy(() -> read("pingclient:\n  targets: " + targets + "\n", Map.of()))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining(key);
    }

    @Test
    void aTargetWhoseWaitingProbesCannotFitStopsStartupNamingTheBound() {
        // 1 ms x 86400 s: 86.4 million probes waiting at once; nothing may grow without bound.
        assertThatThrownBy(() -> read("""
                pingclient:
                  targets:
                    - {host: a, interval: 1ms, timeout: 86400s}
                """, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("pingclient.max-outstanding-probes")
                .hasMessageContaining("pingclient.targets.0");
        assertThatThrownBy(() -> read(null, Map.of("PINGCLIENT_DEFAULTS_INTERVAL", "1ms",
                "PINGCLIENT_DEFAULTS_TIMEOUT", "1h")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("pingclient.max-outstanding-probes");
    }

    @Test
    void theBoundOnWaitingProbesIsASettingThatWidensWhatFits() throws Exception {
        String yaml = """
                pingclient:
                  max-outstanding-probes: %d
                  targets:
                    - {host: a, interval: 1ms, timeout: 10s}
                """;
        assertThatThrownBy(() -> read(yaml.formatted(1_000), Map.of()))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("pingclient.max-outstanding-probes");
        assertThat(read(yaml.formatted(20_000), Map.of()).targets()).hasSize(1);
    }

    @Test
    void badServiceSettingsStopStartup() {
        assertThatThrownBy(() -> read(null, Map.of("PINGCLIENT_RESOLVE_dash_INTERVAL", "never")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("pingclient.resolve-interval");
        assertThatThrownBy(() -> read(null, Map.of("PINGCLIENT_MAX_dash_ADDRESSES_dash_PER_dash_TARGET", "0")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("pingclient.max-addresses-per-target");
        assertThatThrownBy(() -> read(null, Map.of("PINGCLIENT_RECEIVE_dash_THREAD", "green")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("pingclient.receive-thread").hasMessageContaining("green");
        assertThatThrownBy(() -> read(null, Map.of("PINGCLIENT_SEND_dash_SLOT", "1s")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("pingclient.send-slot").hasMessageContaining("100ms");
    }

    @Test
    void theSendSlotIsTwoMillisecondsAndZeroSendsAtTheExactTimes() throws Exception {
        Pacing pacing = read(null, Map.of()).pacing();
        assertThat(pacing.slotNanos()).isEqualTo(Duration.ofMillis(2).toNanos());
        assertThat(pacing.sharedTimer()).isTrue();
        Pacing exact = read(null, Map.of("PINGCLIENT_SEND_dash_SLOT", "0s")).pacing();
        assertThat(exact.sendAt(1_234_567L, Duration.ofSeconds(1).toNanos())).isEqualTo(1_234_567L);
    }

    @Test
    void theReceiveThreadIsVirtualUnlessSetToPlatform() throws Exception {
        assertThat(read(null, Map.of()).receiveThread()).isEqualTo(ThreadKind.VIRTUAL);
        assertThat(read(null, Map.of("PINGCLIENT_RECEIVE_dash_THREAD", "platform")).receiveThread())
                .isEqualTo(ThreadKind.PLATFORM);
    }
}

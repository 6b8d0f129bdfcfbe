package dev.netlab.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {

    enum Distribution { UNIFORM, NORMAL, LONG_TAIL }

    private static Settings settings(Map<String, String> values) {
        return ConfigLoader.load(Optional.empty(), Map.of(), values);
    }

    @Test
    void anIntegerOutsideItsRangeIsRejectedWithKeyValueAndRange() {
        Settings s = settings(Map.of("admin.port", "70000"));
        assertThatThrownBy(() -> s.port("admin.port"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("invalid configuration: admin.port = '70000': expected an integer from 0 to 65535");
    }

    @Test
    void aWordWhereANumberBelongsIsRejected() {
        Settings s = settings(Map.of("demo.level", "high"));
        assertThatThrownBy(() -> s.integer("demo.level", 1, 5))
                .hasMessageContaining("demo.level = 'high'")
                .hasMessageContaining("from 1 to 5");
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        Settings s = settings(Map.of());
        assertThatThrownBy(() -> s.string("demo.nothing"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("demo.nothing is not set");
    }

    @Test
    void sectionsKeepTheFullKeyInMessages() {
        Settings lab = settings(Map.of("pingserver.listeners.lab.loss", "1.5")).child("pingserver.listeners.lab");
        assertThatThrownBy(() -> lab.probability("loss"))
                .hasMessageStartingWith("invalid configuration: pingserver.listeners.lab.loss = '1.5': expected a probability");
    }

    @Test
    void probabilitiesAreDecimalsOrFractions() {
        Settings s = settings(Map.of("a", "0.25", "b", "4/11", "c", "0", "d", "1"));
        assertThat(s.probability("a")).isEqualTo(0.25);
        assertThat(s.probability("b")).isEqualTo(4.0 / 11.0);
        assertThat(s.probability("c")).isZero();
        assertThat(s.probability("d")).isEqualTo(1.0);
        assertThatThrownBy(() -> settings(Map.of("e", "-0.1")).probability("e")).hasMessageContaining("'-0.1'");
        assertThatThrownBy(() -> settings(Map.of("e", "1/0")).probability("e")).hasMessageContaining("'1/0'");
    }

    @Test
    void durationsAreBoundedWhenAsked() {
        Settings s = settings(Map.of("t", "90s"));
        assertThat(s.duration("t")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> s.duration("t", Duration.ZERO, Duration.ofMinutes(1)))
                .hasMessage("invalid configuration: t = '90s': expected a duration from 0s to 60s");
        assertThatThrownBy(() -> settings(Map.of("t", "10")).duration("t"))
                .hasMessageContaining("t = '10': expected a duration such as 250ms");
    }

    @Test
    void choicesAreSpelledInLowerCaseWithDashes() {
        Settings s = settings(Map.of("d", "long-tail", "e", "Normal", "f", "gaussian"));
        assertThat(s.choice("d", Distribution.class)).isEqualTo(Distribution.LONG_TAIL);
        assertThat(s.choice("e", Distribution.class)).isEqualTo(Distribution.NORMAL);
        assertThatThrownBy(() -> s.choice("f", Distribution.class))
                .hasMessage("invalid configuration: f = 'gaussian': expected one of uniform, normal, long-tail");
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        Settings s = settings(Map.of("a", "true", "b", "FALSE", "c", "yes"));
        assertThat(s.bool("a")).isTrue();
        assertThat(s.bool("b")).isFalse();
        assertThatThrownBy(() -> s.bool("c")).hasMessage("invalid configuration: c = 'yes': expected true or false");
    }

    @Test
    void byteSizesTakeBinaryMultiples() {
        Settings s = settings(Map.of("a", "8KiB", "b", "32k", "c", "1MiB", "d", "8192", "e", "lots"));
        assertThat(s.byteSize("a", 0, Long.MAX_VALUE)).isEqualTo(8192);
        assertThat(s.byteSize("b", 0, Long.MAX_VALUE)).isEqualTo(32768);
        assertThat(s.byteSize("c", 0, Long.MAX_VALUE)).isEqualTo(1 << 20);
        assertThat(s.byteSize("d", 0, Long.MAX_VALUE)).isEqualTo(8192);
        assertThatThrownBy(() -> s.byteSize("e", 0, 100)).hasMessageContaining("e = 'lots'");
        assertThatThrownBy(() -> s.byteSize("c", 0, 1024)).hasMessageContaining("from 0 to 1024 bytes");
    }

    @Test
    void bindAddressesAreIpLiteralsOrResolvableNames() throws Exception {
        Settings s = settings(Map.of("a", "0.0.0.0", "b", "::1", "c", "no-such-host.invalid"));
        assertThat(s.bindAddress("a")).isEqualTo(InetAddress.getByName("0.0.0.0"));
        assertThat(s.bindAddress("b")).isEqualTo(InetAddress.getByName("::1"));
        assertThatThrownBy(() -> s.bindAddress("c")).hasMessageContaining("c = 'no-such-host.invalid'");
    }

    @Test
    void aMapSectionGivesItsEntriesInOrder() {
        Settings s = settings(Map.of("metrics.tags.node", "node-1", "metrics.tags.zone", "a"));
        assertThat(s.stringMap("metrics.tags")).containsOnly(Map.entry("node", "node-1"), Map.entry("zone", "a"));
        assertThat(s.stringMap("metrics.nothing")).isEmpty();
    }
}

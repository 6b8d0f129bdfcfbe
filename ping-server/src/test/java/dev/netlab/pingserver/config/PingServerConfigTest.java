package dev.netlab.pingserver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.lifecycle.ThreadKind;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.Main;
import dev.netlab.pingserver.faults.JitterDistribution;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PingServerConfigTest {

    private static PingServerConfig read(Map<String, String> overrides) {
        return PingServerConfig.read(ConfigLoader.load(Optional.empty(), Map.of(), overrides));
    }

    @Test
    void theDefaultsAreTheContractsPortsAndTheLabsLoss() {
        PingServerConfig config = read(Map.of());
        assertThat(config.listeners()).extracting(ListenerConfig::mode).containsExactly(Mode.values());
        assertThat(config.listener(Mode.LAB).port()).isEqualTo(12000);
        assertThat(config.listener(Mode.ECHO).port()).isEqualTo(7007);
        assertThat(config.listener(Mode.STAMP).port()).isEqualTo(8620);
        assertThat(config.listener(Mode.LAB).maxDatagram()).isEqualTo(1024);
        assertThat(config.listener(Mode.ECHO).maxDatagram()).isEqualTo(65507);
        assertThat(config.listener(Mode.LAB).faults().loss()).hasToString("4/11");
        assertThat(config.listener(Mode.ECHO).faults().loss().possible()).isFalse();
        assertThat(config.listener(Mode.STAMP).faults().loss().possible()).isFalse();
        assertThat(config.listener(Mode.LAB).faults().seed()).isEmpty();
        assertThat(config.listener(Mode.LAB).rateLimit()).isEqualTo(new RateLimit(20_000, 40_000));
        assertThat(config.listeners()).allSatisfy(l -> {
            assertThat(l.enabled()).isTrue();
            assertThat(l.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(l.faults().delays()).isFalse();
        });
        assertThat(config.senders()).isEqualTo(new SenderTableConfig(10_000, Duration.ofSeconds(5)));
        assertThat(config.stamp()).isEqualTo(new StampConfig(true, false));
        assertThat(config.receiveThread()).isEqualTo(ThreadKind.VIRTUAL);
        assertThat(config.addressRefresh()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theReceiveThreadKindAndTheAddressRefreshAreRead() {
        PingServerConfig config = read(Map.of("pingserver.receive-thread", "platform",
                "pingserver.address-refresh", "250ms"));
        assertThat(config.receiveThread()).isEqualTo(ThreadKind.PLATFORM);
        assertThat(config.addressRefresh()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void faultKeysAreRead() {
        PingServerConfig config = read(Map.of(
                "pingserver.listeners.echo.delay", "250ms",
                "pingserver.listeners.echo.jitter", "10ms",
                "pingserver.listeners.echo.jitter-distribution", "normal",
                "pingserver.listeners.echo.duplicate", "0.5",
                "pingserver.listeners.echo.seed", "1234",
                "pingserver.listeners.echo.rate-limit", "0"));
        ListenerConfig echo = config.listener(Mode.ECHO);
        assertThat(echo.faults().delay()).isEqualTo(Duration.ofMillis(250));
        assertThat(echo.faults().distribution()).isEqualTo(JitterDistribution.NORMAL);
        assertThat(echo.faults().duplicate().probability()).isEqualTo(0.5);
        assertThat(echo.faults().seed()).hasValue(1234);
        assertThat(echo.rateLimit().enabled()).isFalse();
    }

    @Test
    void badValuesNameTheirKey() {
        assertBad("pingserver.listeners.lab.loss", "2");
        assertBad("pingserver.listeners.lab.loss", "often");
        assertBad("pingserver.listeners.stamp.jitter-distribution", "pareto");
        assertBad("pingserver.listeners.echo.seed", "abc");
        assertBad("pingserver.listeners.echo.port", "70000");
        assertBad("pingserver.listeners.lab.max-datagram", "0");
        assertBad("pingserver.listeners.lab.delay", "soon");
        assertBad("pingserver.listeners.lab.enabled", "yes");
        assertBad("pingserver.senders.max-entries", "0");
        assertBad("pingserver.listeners.stamp.stateful", "maybe");
        assertBad("pingserver.listeners.lab.bind-address", "no-such-host.invalid");
        assertBad("pingserver.receive-thread", "green");
        assertBad("pingserver.receive-thread", "carrier");
        assertBad("pingserver.address-refresh", "0s");
        assertBad("pingserver.address-refresh", "2h");
    }

    @Test
    void bindSetsEveryListenersAddress() {
        assertThat(new Main().bindAddressKeys()).containsExactly(
                "pingserver.listeners.lab.bind-address",
                "pingserver.listeners.echo.bind-address",
                "pingserver.listeners.stamp.bind-address");
    }

    private static void assertBad(String key, String value) {
        assertThatThrownBy(() -> read(Map.of(key, value)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(value);
    }
}

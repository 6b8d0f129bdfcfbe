package dev.netlab.kit.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.DemoService;
import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunningServiceTest {

    private static Settings settings(Map<String, String> overrides) {
        return ConfigLoader.load(Optional.empty(), Map.of(), overrides);
    }

    @Test
    void theStartLineNamesEveryListenerWithItsRealPortAndTheAdminSocketLast() {
        try (RunningService running = RunningService.start(new DemoService(), settings(Map.of()), Clock.systemUTC())) {
            int demo = running.endpoint("demo").port();
            int admin = running.endpoint("admin").port();

            assertThat(demo).isPositive();
            assertThat(admin).isPositive().isNotEqualTo(demo);
            assertThat(running.startLine()).matches(
                    "demo started in \\d+ ms: demo=tcp/127\\.0\\.0\\.1:" + demo + " admin=tcp/127\\.0\\.0\\.1:" + admin);
            assertThat(running.isReady()).isTrue();
        }
    }

    @Test
    void aTakenProtocolPortFailsStartupNamingTheListenerAndPortAndReleasesTheAdminPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket adminProbe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int adminPort = adminProbe.getLocalPort();
            adminProbe.close();
            Settings s = settings(Map.of("demo.port", String.valueOf(taken.getLocalPort()),
                    "admin.port", String.valueOf(adminPort)));

            assertThatThrownBy(() -> RunningService.start(new DemoService(), s, Clock.systemUTC()))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot bind demo=tcp/127.0.0.1:" + taken.getLocalPort() + ": ");

            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), adminPort));
                assertThat(again.isBound()).as("the admin socket was closed after the failure").isTrue();
            }
        }
    }

    @Test
    void aTakenAdminPortFailsStartupNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Settings s = settings(Map.of("admin.port", String.valueOf(taken.getLocalPort())));
            assertThatThrownBy(() -> RunningService.start(new DemoService(), s, Clock.systemUTC()))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot bind admin=tcp/127.0.0.1:" + taken.getLocalPort() + ": ");
        }
    }

    @Test
    void anInvalidSettingStopsStartupBeforeAnythingIsBound() {
        Settings s = settings(Map.of("lifecycle.drain-timeout", "soon"));
        assertThatThrownBy(() -> RunningService.start(new DemoService(), s, Clock.systemUTC()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("lifecycle.drain-timeout = 'soon'");
    }

    @Test
    void stoppingClosesTheProtocolSocket() throws Exception {
        RunningService running = RunningService.start(new DemoService(), settings(Map.of()), Clock.systemUTC());
        int demo = running.endpoint("demo").port();
        running.close();

        assertThat(running.isReady()).isFalse();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), demo).close())
                .isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aMetricTagThatWouldBreakEveryScrapeStopsStartupNamingTheKey() {
        Settings settings = settings(Map.of("metrics.tags.le", "0.5"));
        assertThatThrownBy(() -> RunningService.start(new DemoService(), settings, Clock.systemUTC()).close())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid configuration: metrics.tags.le = '0.5' (from the command line): 'le' is");
    }
}

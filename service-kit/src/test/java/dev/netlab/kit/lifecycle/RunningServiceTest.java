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
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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

    @Test
    void theParsedConfigurationCanBeCollectedWhileTheEngineStarts() {
        // A ping-client's tree is about 35 KB per target: held during start(), it doubles the heap a mesh needs.
        AtomicBoolean collectedDuringStart = new AtomicBoolean();
        Service watching = new Service() {
            private final DemoService demo = new DemoService();

            @Override
            public String name() {
                return demo.name();
            }

            @Override
            public List<String> bindAddressKeys() {
                return demo.bindAddressKeys();
            }

            @Override
            public Engine createEngine(ServiceContext context) {
                WeakReference<Settings> settings = new WeakReference<>(context.settings());
                return new StartWatcher(demo.createEngine(context), () -> collectedDuringStart.set(
                        collected(settings, Duration.ofSeconds(5))));
            }
        };
        try (RunningService running = RunningService.start(watching, settings(Map.of()), Clock.systemUTC())) {
            assertThat(running.isReady()).isTrue();
        }
        assertThat(collectedDuringStart).isTrue();
    }

    /** Asks for collections until {@code reference} clears or {@code limit} passes. */
    private static boolean collected(WeakReference<?> reference, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (reference.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
        }
        return reference.get() == null;
    }

    /** An engine that runs a check at the start of {@link #start()}, then delegates everything. */
    private record StartWatcher(Engine engine, Runnable atStart) implements Engine {

        @Override
        public List<Endpoint> start() {
            atStart.run();
            return engine.start();
        }

        @Override
        public void stopAccepting() {
            engine.stopAccepting();
        }

        @Override
        public boolean awaitDrained(Duration timeout) throws InterruptedException {
            return engine.awaitDrained(timeout);
        }

        @Override
        public void close() {
            engine.close();
        }
    }
}

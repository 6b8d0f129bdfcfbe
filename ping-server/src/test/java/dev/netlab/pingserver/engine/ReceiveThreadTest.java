package dev.netlab.pingserver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingserver.ConnectedProbe;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReceiveThreadTest {

    private static final String KEY = "pingserver.receive-thread";

    @Test
    void theReceiveLoopRunsOnAVirtualThreadByDefault() throws Exception {
        try (RunningEngine running = RunningEngine.start(Map.of(), Set::of)) {
            assertThat(running.engine.receiveThreads()).hasSize(1)
                    .allSatisfy(thread -> assertThat(thread.isVirtual()).as(thread.getName()).isTrue());
            assertAnswers(running);
        }
    }

    @Test
    void platformPutsTheReceiveLoopOnAPlatformThread() throws Exception {
        try (RunningEngine running = RunningEngine.start(Map.of(KEY, "platform"), Set::of)) {
            assertThat(running.engine.receiveThreads()).hasSize(1)
                    .allSatisfy(thread -> assertThat(thread.isVirtual()).as(thread.getName()).isFalse())
                    .allSatisfy(thread -> assertThat(thread.isDaemon()).as("a platform receive thread never holds the JVM").isTrue());
            assertAnswers(running);
        }
    }

    @Test
    void everySocketOfAWildcardListenerGetsTheConfiguredKind() throws Exception {
        Set<InetAddress> two = Set.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
        try (RunningEngine running = RunningEngine.start(Map.of(KEY, "platform",
                "pingserver.listeners.echo.bind-address", "0.0.0.0"), () -> two)) {
            assertThat(running.engine.receiveThreads()).hasSize(2)
                    .allSatisfy(thread -> assertThat(thread.isVirtual()).isFalse());
        }
    }

    private static void assertAnswers(RunningEngine running) throws Exception {
        assertThat(ConnectedProbe.roundTrip(InetAddress.getByName("127.0.0.1"), running.echoPort(), "kind",
                Duration.ofSeconds(10))).hasValue("kind");
    }
}

package dev.netlab.pingserver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.lifecycle.ThreadKind;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.UdpProbe;
import dev.netlab.pingserver.config.ListenerConfig;
import dev.netlab.pingserver.config.RateLimit;
import dev.netlab.pingserver.faults.FaultConfig;
import dev.netlab.pingserver.protocol.EchoReflector;
import dev.netlab.pingserver.protocol.Outcome;
import dev.netlab.pingserver.protocol.Reflector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class ListenerTest {

    /** Echo, except that a datagram saying "boom" makes it throw what the test names. */
    private static Reflector failingOn(Throwable failure) {
        EchoReflector echo = new EchoReflector();
        return new Reflector() {
            @Override
            public Outcome reflect(ByteBuffer request, InetSocketAddress from, Instant received) {
                if (StandardCharsets.US_ASCII.decode(request.duplicate()).toString().equals("boom")) {
                    sneakyThrow(failure);
                }
                return echo.reflect(request, from, received);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable failure) throws T {
        throw (T) failure;
    }

    @Test
    void noThrowableEndsTheReceiveLoopWhileTheListenerAccepts() throws Exception {
        for (Throwable failure : new Throwable[] {new OutOfMemoryError("test: no memory"),
            new StackOverflowError("test"), new IllegalStateException("test: a bug"), new Exception("test: checked")}) {
            assertTheListenerServesOnAfter(failure);
        }
    }

    private static void assertTheListenerServesOnAfter(Throwable failure) throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ListenerConfig config = new ListenerConfig(Mode.ECHO, true, UdpProbe.LOOPBACK, 0, 1024, 65_536,
                FaultConfig.none(), RateLimit.OFF);
        Listener listener = new Listener(config, () -> failingOn(failure),
                new RateLimiter(RateLimit.OFF, System::nanoTime, 10), new PingMetrics(registry, state -> 0),
                Clock.systemUTC(), scheduler, ThreadKind.VIRTUAL, Set::of);
        try (UdpProbe probe = new UdpProbe()) {
            int port = listener.bind().port();
            listener.start();
            for (int i = 0; i < 3; i++) {
                probe.send("boom".getBytes(StandardCharsets.US_ASCII), port);
                probe.send(("ok " + i).getBytes(StandardCharsets.US_ASCII), port);
                assertThat(probe.receive(Duration.ofSeconds(5)).map(b -> new String(b, StandardCharsets.US_ASCII)))
                        .as("the reply after %s", failure).hasValue("ok " + i);
            }
            assertThat(registry.get("pingserver.packets.dropped").tags("mode", "echo", "reason", "malformed")
                    .counter().count()).isEqualTo(3);
        } finally {
            listener.stopAccepting();
            listener.awaitStopped(Duration.ofSeconds(5));
            listener.close();
            scheduler.shutdownNow();
        }
    }
}

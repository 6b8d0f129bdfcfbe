package dev.netlab.pingserver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.faults.Fate;
import dev.netlab.pingserver.protocol.EchoReflector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class ReplySenderTest {

    @Test
    void delayedRepliesWaitingAtOnceAreBounded() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            PingMetrics metrics = new PingMetrics(registry, state -> 0);
            ReplySender sender = new ReplySender(Mode.ECHO, channel, new EchoReflector(), metrics, scheduler,
                    Duration.ofSeconds(1));
            Fate oneMinute = new Fate(false, Duration.ofMinutes(1).toNanos(), false, false);
            InetSocketAddress nobody = new InetSocketAddress("127.0.0.1", 9);
            for (int i = 0; i < ReplySender.MAX_DELAYED; i++) {
                assertThat(sender.send(ByteBuffer.wrap(new byte[8]), nobody, oneMinute)).isTrue();
            }
            assertThat(sender.send(ByteBuffer.wrap(new byte[8]), nobody, oneMinute)).as("the queue is full").isFalse();
            assertThat(sender.send(ByteBuffer.wrap(new byte[8]), nobody, Fate.PLAIN)).as("undelayed still go")
                    .isTrue();
            assertThat(registry.get("pingserver.faults").tags("mode", "echo", "kind", "delayed").counter().count())
                    .isEqualTo(ReplySender.MAX_DELAYED);
        } finally {
            scheduler.shutdownNow();
        }
    }
}

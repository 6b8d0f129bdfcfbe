package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingprotocol.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Simulated faults on the echo listener, counted under pingserver_faults_total and _dropped_total. */
class FaultsTest {

    private static ServerFixture echoWith(Map<String, String> faults) {
        Map<String, String> settings = new java.util.HashMap<>();
        faults.forEach((k, v) -> settings.put("pingserver.listeners.echo." + k, v));
        settings.put("pingserver.listeners.lab.enabled", "false");
        settings.put("pingserver.listeners.stamp.enabled", "false");
        return ServerFixture.start(settings);
    }

    private static double faults(ServerFixture server, String kind) {
        return server.value("pingserver_faults_total", "mode", "echo", "kind", kind);
    }

    @Test
    void delayedRepliesAreScheduledSoOneSendersDelayDoesNotHoldUpAnother() throws Exception {
        Duration delay = Duration.ofMillis(400);
        try (ServerFixture server = echoWith(Map.of("delay", "400ms"))) {
            List<UdpProbe> senders = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    senders.add(new UdpProbe());
                }
                long start = System.nanoTime();
                for (int i = 0; i < senders.size(); i++) {
                    senders.get(i).send(("sender " + i).getBytes(), server.port(Mode.ECHO));
                }
                for (int i = 0; i < senders.size(); i++) {
                    assertThat(senders.get(i).receive()).isEqualTo(("sender " + i).getBytes());
                }
                long elapsed = System.nanoTime() - start;
                assertThat(Duration.ofNanos(elapsed)).as("every reply waited its delay").isGreaterThan(delay)
                        // slept on the loop, 20 replies would take 8 s: half of that leaves a loaded machine seconds
                        .isLessThan(delay.multipliedBy(10));
            } finally {
                senders.forEach(UdpProbe::close);
            }
            assertThat(faults(server, "delayed")).isEqualTo(20);
            server.awaitValue(20, "pingserver_packets_reflected_total", "mode", "echo");
        }
    }

    @Test
    void aDuplicatedReplyComesExactlyTwice() throws Exception {
        try (ServerFixture server = echoWith(Map.of("duplicate", "1")); UdpProbe probe = new UdpProbe()) {
            for (int i = 0; i < 5; i++) {
                byte[] data = ("d" + i).getBytes();
                probe.send(data, server.port(Mode.ECHO));
                assertThat(probe.receive()).isEqualTo(data);
                assertThat(probe.receive()).isEqualTo(data);
            }
            assertThat(probe.receive(Duration.ofMillis(300))).isEmpty();
            server.awaitValue(5, "pingserver_faults_total", "mode", "echo", "kind", "duplicated");
            server.awaitValue(5, "pingserver_packets_reflected_total", "mode", "echo");
        }
    }

    @Test
    void aReorderedReplyIsSentRightAfterTheNextOne() throws Exception {
        try (ServerFixture server = echoWith(Map.of("reorder", "1", "reorder-hold", "5s"));
             UdpProbe probe = new UdpProbe()) {
            for (String s : new String[] {"A", "B", "C", "D"}) {
                probe.send(s.getBytes(), server.port(Mode.ECHO));
            }
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                order.add(new String(probe.receive()));
            }
            // A is held until B has gone; C is held until D has gone.
            assertThat(order).containsExactly("B", "A", "D", "C");
            assertThat(faults(server, "reordered")).isEqualTo(2);
        }
    }

    @Test
    void aHeldReplyWithNothingAfterItGoesOutAfterTheHold() throws Exception {
        try (ServerFixture server = echoWith(Map.of("reorder", "1", "reorder-hold", "150ms"));
             UdpProbe probe = new UdpProbe()) {
            long start = System.nanoTime();
            probe.send("alone".getBytes(), server.port(Mode.ECHO));
            assertThat(probe.receive()).isEqualTo("alone".getBytes());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(faults(server, "reordered")).as("nothing overtook it").isZero();
        }
    }

    @Test
    void seededDecimalLossDropsExactlyTheDrawnDatagrams() throws Exception {
        try (ServerFixture server = echoWith(Map.of("loss", "0.5", "seed", "99")); UdpProbe probe = new UdpProbe()) {
            SplittableRandom random = new SplittableRandom(99);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                if (!(random.nextDouble() < 0.5)) {
                    expected.add("n" + i);
                }
                probe.send(("n" + i).getBytes(), server.port(Mode.ECHO));
            }
            List<String> answered = new ArrayList<>();
            Optional<byte[]> reply;
            while ((reply = probe.receive(Duration.ofMillis(500))).isPresent()) {
                answered.add(new String(reply.get()));
            }
            assertThat(answered).isEqualTo(expected);
            assertThat(server.value("pingserver_packets_dropped_total", "mode", "echo", "reason", "simulated"))
                    .isEqualTo(60 - expected.size());
        }
    }

    @Test
    void normalJitterDelaysRepliesAroundTheDelay() throws Exception {
        try (ServerFixture server = echoWith(Map.of("delay", "50ms", "jitter", "20ms",
                "jitter-distribution", "normal", "seed", "1"));
             UdpProbe probe = new UdpProbe()) {
            for (int i = 0; i < 10; i++) {
                probe.send(("j" + i).getBytes(), server.port(Mode.ECHO));
            }
            List<String> answered = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answered.add(new String(probe.receive()));
            }
            assertThat(answered).hasSize(10).doesNotHaveDuplicates();
            assertThat(faults(server, "delayed")).isEqualTo(10);
        }
    }
}

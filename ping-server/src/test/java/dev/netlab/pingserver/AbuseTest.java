package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.kit.admin.Json;
import dev.netlab.kit.testing.MutableClock;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.config.PingServerConfig;
import dev.netlab.pingserver.protocol.StampPackets;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Bad input and abuse: each case of the issue, against the real listeners. */
class AbuseTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    private static double dropped(ServerFixture server, Mode mode, String reason) {
        return server.value("pingserver_packets_dropped_total", "mode", mode.label(), "reason", reason);
    }

    @Test
    void malformedDatagramsAreCountedDroppedAndTheListenersServeOn() throws Exception {
        try (ServerFixture server = ServerFixture.start(Map.of(
                "pingserver.listeners.lab.loss", "0",
                "pingserver.listeners.lab.max-datagram", "64",
                "pingserver.listeners.echo.max-datagram", "128",
                "pingserver.listeners.stamp.max-datagram", "100"));
             UdpProbe probe = new UdpProbe()) {
            record Bad(Mode mode, byte[] data, byte[] good) {
            }
            List<Bad> cases = List.of(
                    new Bad(Mode.LAB, new byte[65], "ping".getBytes()),
                    new Bad(Mode.ECHO, new byte[129], "hello".getBytes()),
                    new Bad(Mode.ECHO, new byte[4000], "hello".getBytes()),
                    new Bad(Mode.STAMP, new byte[43], StampPackets.senderPacket(1, 0, 0, new byte[0])),
                    new Bad(Mode.STAMP, new byte[0], StampPackets.senderPacket(2, 0, 0, new byte[0])),
                    new Bad(Mode.STAMP, StampPackets.senderPacket(3, 0, 0, new byte[57]),
                            StampPackets.senderPacket(4, 0, 0, new byte[56])));
            for (Bad bad : cases) {
                double before = dropped(server, bad.mode(), "malformed");
                probe.send(bad.data(), server.port(bad.mode()));
                assertThat(probe.receive(QUIET)).as("%s, %d bytes", bad.mode(), bad.data().length).isEmpty();
                assertThat(dropped(server, bad.mode(), "malformed")).isEqualTo(before + 1);
                byte[] reply = probe.roundTrip(bad.good(), server.port(bad.mode()));
                assertThat(reply).hasSameSizeAs(bad.good());
            }
            // The largest datagram allowed is still served.
            assertThat(probe.roundTrip(new byte[64], server.port(Mode.LAB))).hasSize(64);
            assertThat(probe.roundTrip(new byte[128], server.port(Mode.ECHO))).hasSize(128);
        }
    }

    @Test
    void noReplyIsLargerThanItsDatagramAndNoDatagramGetsMoreThanTwo() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>();
        for (Mode mode : Mode.values()) {
            settings.put(PingServerConfig.prefix(mode) + ".duplicate", "1");
            settings.put(PingServerConfig.prefix(mode) + ".loss", "0");
        }
        try (ServerFixture server = ServerFixture.start(settings); UdpProbe probe = new UdpProbe()) {
            SplittableRandom random = new SplittableRandom(5);
            int datagrams = 0;
            for (Mode mode : Mode.values()) {
                for (int size : new int[] {0, 1, 43, 44, 45, 200, 1024, 9000}) {
                    byte[] request = new byte[size];
                    random.nextBytes(request);
                    if (mode == Mode.STAMP && size >= 44) {
                        request = StampPackets.senderPacket(size, 0, 0, new byte[size - 44]);
                    }
                    probe.send(request, server.port(mode));
                    boolean answered = (mode != Mode.STAMP || size >= 44) && (mode != Mode.LAB || size <= 1024);
                    if (!answered) {
                        assertThat(probe.receive(QUIET)).as("%s %d bytes", mode, size).isEmpty();
                        continue;
                    }
                    datagrams++;
                    byte[] first = probe.receive();
                    byte[] second = probe.receive();
                    assertThat(first.length).as("%s %d bytes", mode, size).isLessThanOrEqualTo(size);
                    assertThat(second.length).isLessThanOrEqualTo(size);
                    switch (mode) {
                        case ECHO -> assertThat(second).isEqualTo(first).isEqualTo(request);
                        case LAB -> assertThat(second).isEqualTo(first).hasSize(size);
                        case STAMP -> {
                            // the copy carries its own transmit timestamp, so only its sender fields match
                            assertThat(StampPackets.parse(first, first.length).senderSeq()).isEqualTo(size);
                            assertThat(StampPackets.parse(second, second.length).senderSeq()).isEqualTo(size);
                        }
                    }
                }
            }
            assertThat(probe.receive(QUIET)).as("never a third reply").isEmpty();
            double duplicated = 0;
            for (Mode mode : Mode.values()) {
                duplicated += server.value("pingserver_faults_total", "mode", mode.label(), "kind", "duplicated");
            }
            assertThat(duplicated).isEqualTo(datagrams);
        }
    }

    @Test
    void aSourceAddressOverItsRateIsLimitedAndOthersAreNot() throws Exception {
        try (ServerFixture server = ServerFixture.start(Map.of(
                "pingserver.listeners.echo.rate-limit", "1",
                "pingserver.listeners.echo.rate-limit-burst", "5"));
             UdpProbe probe = new UdpProbe();
             UdpProbe other = new UdpProbe(InetAddress.getByName("127.0.0.2"))) {
            long start = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                probe.send(("n" + i).getBytes(), server.port(Mode.ECHO));
            }
            int answered = 0;
            while (probe.receive(QUIET).isPresent()) {
                answered++;
            }
            double elapsedSeconds = (System.nanoTime() - start) / 1e9;
            // The burst of 5, plus at most one token per second that passed while sending.
            assertThat(answered).isBetween(5, 5 + (int) Math.ceil(elapsedSeconds));
            assertThat(dropped(server, Mode.ECHO, "rate_limited")).isEqualTo(30 - answered);
            assertThat(server.value("pingserver_packets_received_total", "mode", "echo")).isEqualTo(30);
            assertThat(other.roundTrip("x".getBytes(), server.port(Mode.ECHO))).isEqualTo("x".getBytes());
        }
    }

    @Test
    void aFloodFrom20000SourcePortsKeepsTheSenderTableCappedAndAProbeStillWorks() throws Exception {
        // A clock that stands still: on a loaded machine the flood outlasts the 5 s silence, and a sender turning
        // stopped between the two gauges' reads would be counted by both.
        try (ServerFixture server = ServerFixture.start(Map.of(
                "pingserver.listeners.lab.loss", "0",
                "pingserver.listeners.lab.rate-limit", "0",
                "pingserver.listeners.echo.enabled", "false",
                "pingserver.listeners.stamp.enabled", "false"), new MutableClock(Instant.now()))) {
            InetAddress flooder = InetAddress.getByName("127.0.0.3");
            InetSocketAddress target = new InetSocketAddress(UdpProbe.LOOPBACK, server.port(Mode.LAB));
            int ports = 0;
            long sent = 0;
            int nextPort = 10_000;
            // Below the ephemeral range, so the kernel's choices do not collide with ours; taken ones are skipped.
            while (ports < 20_000) {
                List<DatagramSocket> batch = new ArrayList<>();
                while (batch.size() < 1000 && ports + batch.size() < 20_000 && nextPort < 32_768) {
                    try {
                        batch.add(new DatagramSocket(new InetSocketAddress(flooder, nextPort)));
                    } catch (BindException e) {
                        // a port somebody else holds
                    }
                    nextPort++;
                }
                assertThat(batch).as("free ports below 32768").isNotEmpty();
                for (int seq = 1; seq <= 5; seq++) {
                    byte[] ping = ("Ping: " + seq + " 0").getBytes(StandardCharsets.US_ASCII);
                    for (DatagramSocket socket : batch) {
                        socket.send(new DatagramPacket(ping, ping.length, target));
                        sent++;
                        // A window of outstanding datagrams, so the socket buffer never overflows.
                        awaitReceived(server, sent - 200);
                    }
                }
                ports += batch.size();
                batch.forEach(DatagramSocket::close);
            }
            assertThat(sent).isEqualTo(100_000);
            awaitReceived(server, sent);

            JsonNode senders = Json.MAPPER.readTree(server.get("/api/senders").body());
            assertThat(senders.size()).as("the table's default cap").isEqualTo(10_000);
            assertThat(server.value("pingserver_senders", "state", "active")
                    + server.value("pingserver_senders", "state", "stopped")).isEqualTo(10_000);
            assertThat(senders.get(0).get("packets").asLong()).isEqualTo(5);
            try (UdpProbe probe = new UdpProbe()) {
                assertThat(probe.roundTrip("Ping: 1 after the flood".getBytes(), server.port(Mode.LAB)))
                        .isEqualTo("Ping: 1 after the flood".toUpperCase(Locale.ROOT).getBytes());
            }
            server.awaitValue(100_001, "pingserver_packets_reflected_total", "mode", "lab");
        }
    }

    private static void awaitReceived(ServerFixture server, long atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.received(Mode.LAB) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the listener read " + server.received(Mode.LAB) + " of " + atLeast);
            }
            Thread.onSpinWait();
        }
    }
}

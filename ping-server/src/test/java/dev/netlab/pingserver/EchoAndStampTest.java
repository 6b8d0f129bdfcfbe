package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.protocol.StampPackets;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The echo and STAMP listeners over loopback, defaults apart from the ports. */
class EchoAndStampTest {

    private static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void echoRepliesByteForByte() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        try (UdpProbe probe = new UdpProbe()) {
            for (int size : new int[] {0, 1, 44, 1024, 1025, 8192, 65_507}) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                assertThat(probe.roundTrip(data, server.port(Mode.ECHO))).as("%d bytes", size).isEqualTo(data);
            }
        }
    }

    @Test
    void echoDoesNotTrackSenders() throws Exception {
        // From an address no other test here sends from: the server is shared, and a port one of their STAMP
        // senders used (and the table lists) may be handed to this probe again.
        try (UdpProbe probe = new UdpProbe(InetAddress.getByName("127.0.0.4"))) {
            probe.roundTrip("Ping: 1 x".getBytes(), server.port(Mode.ECHO));
            assertThat(server.get("/api/senders").body()).doesNotContain("\"127.0.0.4\"");
        }
    }

    @Test
    void aStampSenderGetsReflectedPacketsInOrder() throws Exception {
        try (UdpProbe sender = new UdpProbe()) {
            long previousTransmit = 0;
            // The reflector's count for this sender starts where an earlier test's socket on the same ephemeral
            // port (the server lives for the whole class) left it: from there it goes up by one per packet.
            long firstCount = -1;
            for (int seq = 0; seq < 20; seq++) {
                byte[] padding = new byte[seq * 10];
                new SplittableRandom(seq).nextBytes(padding);
                long sentAt = StampPackets.ntp(Instant.now());
                byte[] request = StampPackets.senderPacket(1000 + seq, sentAt, 0x0001, padding);
                byte[] reply = sender.roundTrip(request, server.port(Mode.STAMP));
                long back = StampPackets.ntp(Instant.now());

                assertThat(reply).hasSameSizeAs(request);
                StampPackets.Reflected r = StampPackets.parse(reply, reply.length);
                if (firstCount < 0) {
                    firstCount = r.seq();
                }
                assertThat(r.seq()).as("stateful: the reflector's own count for this sender")
                        .isEqualTo(firstCount + seq);
                assertThat(r.senderSeq()).isEqualTo(1000 + seq);
                assertThat(r.senderTimestamp()).isEqualTo(sentAt);
                assertThat(r.senderErrorEstimate()).isEqualTo(1);
                assertThat(r.senderTtl()).isEqualTo(255);
                assertThat(r.padding()).isEqualTo(padding);
                assertThat(r.mbz38()).isZero();
                assertThat(r.mbz41()).isZero();
                // Same host, same clock: sent <= received <= transmitted <= back, and transmits grow.
                assertThat(Long.compareUnsigned(sentAt, r.receiveTimestamp())).isLessThanOrEqualTo(0);
                assertThat(Long.compareUnsigned(r.receiveTimestamp(), r.timestamp())).isLessThanOrEqualTo(0);
                assertThat(Long.compareUnsigned(r.timestamp(), back)).isLessThanOrEqualTo(0);
                assertThat(Long.compareUnsigned(previousTransmit, r.timestamp())).isLessThanOrEqualTo(0);
                previousTransmit = r.timestamp();
                // The error estimate declares a precision of at most a millisecond, Z = 0 (NTP format).
                int scale = (r.errorEstimate() >> 8) & 0x3F;
                int multiplier = r.errorEstimate() & 0xFF;
                assertThat(multiplier).isPositive();
                assertThat(multiplier * Math.pow(2, scale - 32)).isLessThanOrEqualTo(0.001);
                assertThat(r.errorEstimate() & 0x4000).isZero();
            }
        }
    }

    @Test
    void aStampSenderSeesItsOwnGapsAsForwardLoss() throws Exception {
        try (UdpProbe sender = new UdpProbe()) {
            for (int seq : new int[] {0, 1, 4, 5}) {
                byte[] reply = sender.roundTrip(StampPackets.senderPacket(seq, 0, 0, new byte[0]),
                        server.port(Mode.STAMP));
                assertThat(StampPackets.parse(reply, reply.length).senderSeq()).isEqualTo(seq);
            }
            // Reflector numbers 0..3 without a gap, sender numbers with a gap of 2: the loss was forward.
            String senders = server.get("/api/senders").body();
            assertThat(senders).contains("\"port\":" + sender.localPort() + ",\"mode\":\"stamp\",\"packets\":4,"
                    + "\"last_seq\":5,\"forward_lost\":2,\"reordered\":0");
        }
    }

    @Test
    void aStampPacketShorterThan44BytesIsNeverAnswered() throws Exception {
        try (UdpProbe sender = new UdpProbe()) {
            double before = server.value("pingserver_packets_dropped_total", "mode", "stamp", "reason", "malformed");
            sender.send(new byte[43], server.port(Mode.STAMP));
            assertThat(sender.receive(Duration.ofMillis(300))).isEmpty();
            assertThat(server.value("pingserver_packets_dropped_total", "mode", "stamp", "reason", "malformed"))
                    .isEqualTo(before + 1);
            // and the listener keeps serving
            byte[] reply = sender.roundTrip(StampPackets.senderPacket(9, 0, 0, new byte[0]), server.port(Mode.STAMP));
            assertThat(StampPackets.parse(reply, reply.length).senderSeq()).isEqualTo(9);
        }
    }
}

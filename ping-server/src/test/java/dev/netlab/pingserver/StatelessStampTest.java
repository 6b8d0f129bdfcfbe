package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.protocol.StampPackets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatelessStampTest {

    @Test
    void aStatelessReflectorCopiesTheSenderSequenceNumber() throws Exception {
        try (ServerFixture server = ServerFixture.start(Map.of("pingserver.listeners.stamp.stateful", "false",
                "pingserver.listeners.lab.enabled", "false", "pingserver.listeners.echo.enabled", "false"));
             UdpProbe sender = new UdpProbe()) {
            for (int seq : new int[] {5, 6, 9}) {
                byte[] reply = sender.roundTrip(StampPackets.senderPacket(seq, 0, 0, new byte[0]),
                        server.port(Mode.STAMP));
                StampPackets.Reflected r = StampPackets.parse(reply, reply.length);
                assertThat(r.seq()).isEqualTo(seq);
                assertThat(r.senderSeq()).isEqualTo(seq);
            }
            assertThat(server.running().endpoints()).extracting(e -> e.name()).containsExactly("stamp", "admin");
        }
    }
}

package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.protocol.StampPackets;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Listeners bound to ::1 answer over IPv6, and the sender table keeps IPv6 senders. */
class Ipv6Test {

    @Test
    void listenersBoundToIpv6LoopbackAnswerOverIpv6() throws Exception {
        try (ServerFixture server = ServerFixture.start(Map.of(
                "pingserver.listeners.echo.bind-address", "::1",
                "pingserver.listeners.stamp.bind-address", "::1",
                "pingserver.listeners.lab.enabled", "false"));
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            assertThat(server.running().endpoint("echo").address().getAddress()).isInstanceOf(Inet6Address.class);
            assertThat(server.running().endpoint("echo").toString()).startsWith("echo=udp/[::1]:");
            socket.setSoTimeout(5000);
            InetAddress v6 = InetAddress.getByName("::1");

            byte[] data = "over six".getBytes();
            socket.send(new DatagramPacket(data, data.length, v6, server.port(Mode.ECHO)));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            socket.receive(reply);
            assertThat(Arrays.copyOf(reply.getData(), reply.getLength())).isEqualTo(data);

            byte[] stamp = StampPackets.senderPacket(3, 0, 0, new byte[0]);
            socket.send(new DatagramPacket(stamp, stamp.length, v6, server.port(Mode.STAMP)));
            socket.receive(reply);
            assertThat(StampPackets.parse(reply.getData(), reply.getLength()).senderSeq()).isEqualTo(3);
            assertThat(server.get("/api/senders").body()).contains("\"address\":\"0:0:0:0:0:0:0:1\"");
        }
    }
}

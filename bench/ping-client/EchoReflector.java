// RFC 862 echo over UDP for the ping-client benchmark when the ping-server jar is not built: one platform thread,
// blocking receive, every datagram straight back to its sender. Prints "echo=udp/127.0.0.1:PORT" once bound and
// stops by itself after the given number of seconds. Run: java EchoReflector.java [PORT] [SECONDS]
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

public class EchoReflector {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 600;
        DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", port));
        System.out.println("echo=udp/127.0.0.1:" + ((InetSocketAddress) channel.getLocalAddress()).getPort());
        System.out.flush();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.exit(0);
        });
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        while (true) {
            buffer.clear();
            SocketAddress from = channel.receive(buffer);
            buffer.flip();
            channel.send(buffer, from);
        }
    }
}

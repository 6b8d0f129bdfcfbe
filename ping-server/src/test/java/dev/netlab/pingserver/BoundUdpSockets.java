package dev.netlab.pingserver;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** The UDP sockets this network namespace has bound on a port, as the kernel lists them in {@code /proc/net/udp{,6}}. */
public final class BoundUdpSockets {

    private BoundUdpSockets() {
    }

    /** The local address of every UDP socket bound on {@code port}, IPv4 and IPv6, one entry per socket. */
    public static List<InetAddress> onPort(int port) throws IOException {
        String portHex = String.format(Locale.ROOT, "%04X", port);
        List<InetAddress> bound = new ArrayList<>();
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path).stream().skip(1).toList()) {
                String[] local = line.strip().split("\\s+")[1].split(":");
                if (local[1].equals(portHex)) {
                    bound.add(address(HexFormat.of().parseHex(local[0])));
                }
            }
        }
        return bound;
    }

    /** The kernel prints each 32-bit word of the address in host order (little-endian here). */
    private static InetAddress address(byte[] words) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(words).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(words.length);
        while (in.hasRemaining()) {
            out.putInt(in.getInt());
        }
        return InetAddress.getByAddress(out.array());
    }
}

package dev.netlab.kit.lifecycle;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One bound listener as the start line shows it: {@code lab=udp/127.0.0.1:12000}.
 *
 * @param name     the listener's name ({@code web}, {@code lab}, {@code admin})
 * @param protocol {@code tcp} or {@code udp}
 * @param address  the bound address with the real port
 */
public record Endpoint(String name, String protocol, InetSocketAddress address) {

    /** A TCP listener. */
    public static Endpoint tcp(String name, InetSocketAddress address) {
        return new Endpoint(name, "tcp", address);
    }

    /** A UDP listener. */
    public static Endpoint udp(String name, InetSocketAddress address) {
        return new Endpoint(name, "udp", address);
    }

    /** The real port. */
    public int port() {
        return address.getPort();
    }

    @Override
    public String toString() {
        return describe(name, protocol, address.getAddress(), address.getPort());
    }

    static String describe(String name, String protocol, InetAddress address, int port) {
        String host = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int scope = host.indexOf('%');
            host = "[" + compress(scope < 0 ? host : host.substring(0, scope)) + "]";
        }
        return name + "=" + protocol + "/" + host + ":" + port;
    }

    /** RFC 5952 form of the JDK's full IPv6 text: the longest run of two or more zero groups becomes {@code ::}. */
    static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}

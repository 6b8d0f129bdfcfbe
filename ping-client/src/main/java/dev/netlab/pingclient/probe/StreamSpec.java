package dev.netlab.pingclient.probe;

import dev.netlab.pingprotocol.Mode;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One probe stream: a target name resolved to one address.
 *
 * @param target   the configured name (a metric label)
 * @param address  the resolved address probed
 * @param mode     the reflector protocol
 * @param interval time between intended sends
 * @param timeout  how long a probe waits for its reply
 * @param size     payload bytes (at least the mode's minimum)
 * @param count    probes to send, 0 for no limit
 * @param deadline the whole run's limit, or null for none
 */
public record StreamSpec(String target, InetSocketAddress address, Mode mode, Duration interval, Duration timeout,
                         int size, long count, Duration deadline) {

    /** The address as the {@code address} label shows it: {@code 127.0.0.1:12000}, {@code [::1]:7007}. */
    public String addressLabel() {
        return label(address);
    }

    public static String label(InetSocketAddress address) {
        String host = address.getAddress() instanceof java.net.Inet6Address
                ? "[" + rfc5952(address.getAddress().getAddress()) + "]"
                : address.getAddress().getHostAddress();
        return host + ":" + address.getPort();
    }

    /** An IPv6 address as RFC 5952 writes it: lower case, no leading zeros, the longest zero run as {@code ::}. */
    static String rfc5952(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}

package dev.netlab.pingclient.probe;

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
        String host = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof java.net.Inet6Address) {
            int scope = host.indexOf('%');
            host = "[" + (scope < 0 ? host : host.substring(0, scope)) + "]";
        }
        return host + ":" + address.getPort();
    }
}

package dev.netlab.pingserver.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.LinkedHashSet;
import java.util.Set;

/** Where a listener bound to a wildcard address learns the host's addresses. */
@FunctionalInterface
interface LocalAddresses {

    /** The addresses this host can receive on now. */
    Set<InetAddress> current() throws IOException;

    /** Every IPv4 and IPv6 address of every interface that is up, as {@link NetworkInterface} reports them. */
    static LocalAddresses ofInterfaces() {
        return () -> {
            Set<InetAddress> addresses = new LinkedHashSet<>();
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                try {
                    // An interface that went down carries nothing, even while it keeps its addresses.
                    if (nic.isUp()) {
                        nic.inetAddresses().forEach(addresses::add);
                    }
                } catch (SocketException e) {
                    // it vanished while we looked: it has no addresses now
                }
            }
            return addresses;
        };
    }
}

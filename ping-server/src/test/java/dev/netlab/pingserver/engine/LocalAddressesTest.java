package dev.netlab.pingserver.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalAddressesTest {

    @Test
    void theHostsAddressesAreThoseOfItsInterfacesThatAreUp() throws Exception {
        Set<InetAddress> current = LocalAddresses.ofInterfaces().current();
        assertThat(current).contains(InetAddress.getByName("127.0.0.1"));
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (nic.isUp()) {
                assertThat(current).containsAll(nic.inetAddresses().toList());
            } else {
                assertThat(current).as("addresses of %s, which is down", nic.getName())
                        .doesNotContainAnyElementsOf(nic.inetAddresses().toList());
            }
        }
    }
}

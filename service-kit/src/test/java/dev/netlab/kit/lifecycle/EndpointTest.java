package dev.netlab.kit.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, lab=udp/127.0.0.1:12000",
        "0.0.0.0, lab=udp/0.0.0.0:12000",
        "::1, lab=udp/[::1]:12000",
        "::, lab=udp/[::]:12000",
        "fe80::1:0:0:2, lab=udp/[fe80::1:0:0:2]:12000",
        "2001:db8:0:0:1:0:0:1, lab=udp/[2001:db8::1:0:0:1]:12000",
        "2001:db8:1:2:3:4:5:6, lab=udp/[2001:db8:1:2:3:4:5:6]:12000",
        "1:0:2:3:4:5:6:7, lab=udp/[1:0:2:3:4:5:6:7]:12000",
    })
    void theStartLineShowsAddressesInTheirShortForm(String address, String expected) throws Exception {
        Endpoint endpoint = Endpoint.udp("lab", new InetSocketAddress(InetAddress.getByName(address), 12000));
        assertThat(endpoint).hasToString(expected);
    }
}

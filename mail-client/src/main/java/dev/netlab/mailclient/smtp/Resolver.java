package dev.netlab.mailclient.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a server's name into the addresses to try, in order; tests inject their own. */
@FunctionalInterface
public interface Resolver {

    /**
     * Every address of {@code host}, in the order to try them.
     *
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The system's resolver (every A and AAAA record, in the order the system gives them). */
    static Resolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}

package dev.netlab.pingclient.service;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Name resolution, replaceable in tests (a name with several addresses). */
@FunctionalInterface
public interface Resolver {

    /** Every address of {@code host}. */
    InetAddress[] resolve(String host) throws UnknownHostException;

    /** The system's resolver. */
    static Resolver system() {
        return InetAddress::getAllByName;
    }
}

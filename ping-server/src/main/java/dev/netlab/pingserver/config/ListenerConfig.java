package dev.netlab.pingserver.config;

import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.faults.FaultConfig;
import java.net.InetAddress;

/**
 * One listener's settings.
 *
 * @param mode           which protocol it speaks
 * @param enabled        whether it is bound at all
 * @param bindAddress    the address to bind
 * @param port           the UDP port (0: any free port)
 * @param maxDatagram    the largest datagram served; longer ones are malformed
 * @param receiveBuffer  the socket's requested SO_RCVBUF in bytes (the kernel may cap it)
 * @param faults         simulated loss, delay, duplication, reordering
 * @param rateLimit      the per-source-address token bucket
 */
public record ListenerConfig(Mode mode, boolean enabled, InetAddress bindAddress, int port, int maxDatagram,
                             int receiveBuffer, FaultConfig faults, RateLimit rateLimit) {
}

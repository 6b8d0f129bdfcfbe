package dev.netlab.pingclient.service;

import dev.netlab.pingprotocol.Mode;
import java.time.Duration;
import java.util.Map;

/**
 * One configured target of the service.
 *
 * @param name     the {@code target} label (default {@code host:port} as written)
 * @param host     a name or IP literal; a name may resolve to several addresses
 * @param port     the UDP port
 * @param mode     the reflector protocol
 * @param interval time between intended sends
 * @param timeout  per-probe reply timeout
 * @param size     payload bytes
 * @param labels   extra labels on this target's meters and in the API
 */
public record TargetConfig(String name, String host, int port, Mode mode, Duration interval, Duration timeout,
                           int size, Map<String, String> labels) {
}

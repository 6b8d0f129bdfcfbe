package dev.netlab.pingclient;

import dev.netlab.pingprotocol.Mode;
import java.time.Duration;

/**
 * The {@code ping} command's options, validated.
 *
 * @param target   the target as written
 * @param mode     the reflector protocol
 * @param count    probes to send, 0 for no limit (only with a deadline)
 * @param interval between intended sends
 * @param timeout  per-probe reply timeout
 * @param size     payload bytes
 * @param deadline the whole run's limit, or null
 * @param quiet    summary only
 * @param json     one JSON object instead of text
 */
public record PingOptions(String target, Mode mode, long count, Duration interval, Duration timeout, int size,
                          Duration deadline, boolean quiet, boolean json) {
}

package dev.netlab.webserver;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.netlab.webserver.files.StaticFileHandler;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many connections the process's file descriptor limit (RLIMIT_NOFILE) leaves room for: each connection may
 * hold two descriptors (its socket and a file being sent), and a reserve stays free for the admin socket, logs, the
 * JVM and the cached files kept open for sendfile, so that web traffic alone never runs the process out of
 * descriptors.
 *
 * @param limit the descriptor limit, {@link Long#MAX_VALUE} when unknown
 * @param inUse descriptors open when the listener starts
 */
record DescriptorBudget(long limit, long inUse) {

    private static final int PER_CONNECTION = 2;
    private static final int MAX_LINGERING_REFUSALS = 256;

    /** The budget of this process, from the operating system bean (unlimited where it cannot tell). */
    static DescriptorBudget ofThisProcess() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
            return new DescriptorBudget(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount());
        }
        return new DescriptorBudget(Long.MAX_VALUE, 0);
    }

    /** Descriptors kept free of web connections: 64, the cached files kept open, and a sixteenth of the limit. */
    long reserve() {
        return limit == Long.MAX_VALUE ? 0 : 64 + StaticFileHandler.DESCRIPTORS_KEPT_OPEN + limit / 16;
    }

    private long free() {
        return limit == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, limit - inUse - reserve());
    }

    /** The connection limit: {@code configured}, lowered to what the descriptors allow (at least one). */
    int connections(int configured) {
        return (int) Math.max(1, Math.min(configured, free() / PER_CONNECTION));
    }

    /** Refusals that may linger (one descriptor each) beside {@code connections} open connections. */
    int lingeringRefusals(int connections) {
        long left = free() == Long.MAX_VALUE ? MAX_LINGERING_REFUSALS : free() - (long) PER_CONNECTION * connections;
        return Math.clamp(left, 0, MAX_LINGERING_REFUSALS);
    }
}
